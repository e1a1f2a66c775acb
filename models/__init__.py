"""Training pipelines, model cards and the shipped ONNX models."""
