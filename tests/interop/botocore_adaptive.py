"""botocore's adaptive retry rate limiter on a fake clock.

Reads a JSON array of [time_seconds, throttled] events from stdin, feeds
each to a ClientRateLimiter built as botocore.retries.adaptive builds one
(CUBIC from 0, a token bucket at 1 request per second, the rate clocker),
and writes a JSON array with, per event, [measured_rate, fill_rate,
enabled] after the response. Used by tests/tests/adaptive_retry.rs.
"""

import json
import sys

from botocore.retries import adaptive, bucket, throttling


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def current_time(self):
        return self.now


class Detector:
    def __init__(self):
        self.throttled = False

    def is_throttling_error(self, **kwargs):
        return self.throttled


def main():
    events = json.load(sys.stdin)
    clock = FakeClock()
    detector = Detector()
    token_bucket = bucket.TokenBucket(max_rate=1, clock=clock)
    rate_clocker = adaptive.RateClocker(clock)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=rate_clocker,
        token_bucket=token_bucket,
        throttling_detector=detector,
        clock=clock,
    )
    out = []
    for t, throttled in events:
        clock.now = t
        detector.throttled = throttled
        limiter.on_receiving_response()
        out.append([rate_clocker.measured_rate, token_bucket.max_rate, limiter._enabled])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
