package dev.gatehouse.recorder;
