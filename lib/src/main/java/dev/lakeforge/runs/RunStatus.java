package dev.lakeforge.runs;

public enum RunStatus { RUNNING, SUCCEEDED, FAILED }
