package dev.gatehouse.keys;
