//! pdf exporter (in progress).
