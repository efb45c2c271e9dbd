package dev.gatehouse.web;

/** The sessions running in this gateway process, as the web side may know them. */
public interface LiveSessions {
  /** How many sessions run here now. */
  int active();
}
