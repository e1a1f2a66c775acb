"""Training pipelines, model cards and the shipped ONNX models (build time; may import edge_agent)."""

__all__ = ["sentiment"]
