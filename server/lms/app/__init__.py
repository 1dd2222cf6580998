"""Process wiring: the gRPC server, the edge configuration and the `lms serve` supervisor."""
