"""Built-in exporters. Each registers through the ``gmspolicy.exporters`` entry point group,
exactly as a third-party exporter would."""
