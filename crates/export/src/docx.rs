//! docx exporter (in progress).
