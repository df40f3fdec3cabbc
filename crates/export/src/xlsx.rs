//! xlsx exporter (in progress).
