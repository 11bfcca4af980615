"""Tests of the BPMN engine boundary (engine.bpmn)."""
