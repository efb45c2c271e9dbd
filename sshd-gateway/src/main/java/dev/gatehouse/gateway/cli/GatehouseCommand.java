package dev.gatehouse.gateway.cli;

public final class GatehouseCommand {
  public static void main(String[] args) {}
}
