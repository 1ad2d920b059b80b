"""Whether anomaly detection is on (read by the recorder and the engine)."""

enabled = False
check_nan = True
