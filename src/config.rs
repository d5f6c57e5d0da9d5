//! Runtime configuration (switchboard.json): parsed and checked here, pure.
