"""How botocore reads the shared config and credentials files.

Reads a JSON array from stdin, each element

    {"config": "<text>", "credentials": "<text>", "profile": "<name>"}

writes both texts to a temporary directory, points AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE at them, and writes a JSON array to stdout with,
per element, either

    {"profiles": {...}, "sso_sessions": {...}, "services": {...},
     "region": <the profile's region or null>,
     "settings": {"max_attempts": ..., "use_fips_endpoint": ..., ...},
     "credentials": {"access_key": ..., "secret_key": ..., "token": ...} | null,
     "method": <the credential provider botocore chose, or null>}

(properties as botocore's full_config has them: text, or a table of
sub-properties) or {"error": "<message>"} when botocore refuses the files.
Only the files count: every AWS_* variable is removed first, and the
metadata services are turned off.

Used by the Rust integration tests (tests/tests/profile_files.rs).
"""

import json
import os
import sys
import tempfile

import botocore.session

# Settings botocore reads from the profile (and the environment, cleared
# here), reported as it resolves them: booleans, a number, or null.
SETTINGS = [
    "max_attempts",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "disable_host_prefix_injection",
]


def read(case):
    with tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, "config")
        credentials = os.path.join(d, "credentials")
        with open(config, "w", encoding="utf-8") as f:
            f.write(case.get("config", ""))
        with open(credentials, "w", encoding="utf-8") as f:
            f.write(case.get("credentials", ""))
        for name in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[name]
        os.environ["AWS_CONFIG_FILE"] = config
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        session = botocore.session.get_session()
        try:
            full = session.full_config
        except Exception as e:  # botocore's ConfigParseError and friends
            return {"error": str(e)}
        out = {
            "profiles": full.get("profiles", {}),
            "sso_sessions": full.get("sso_sessions", {}),
            "services": full.get("services", {}),
        }
        profile = case.get("profile", "default")
        session = botocore.session.Session(profile=profile)
        try:
            out["region"] = session.get_config_variable("region")
            out["settings"] = {name: session.get_config_variable(name) for name in SETTINGS}
            creds = session.get_credentials()
        except Exception as e:
            out["region"] = None
            out["credentials"] = None
            out["method"] = None
            out["credentials_error"] = "%s: %s" % (type(e).__name__, e)
            return out
        if creds is None:
            out["credentials"] = None
            out["method"] = None
        elif creds.method not in ("shared-credentials-file", "config-file", "custom-process"):
            # Assumed roles and the like would call a service when frozen.
            out["credentials"] = None
            out["method"] = creds.method
        else:
            frozen = creds.get_frozen_credentials()
            out["credentials"] = {"access_key": frozen.access_key, "secret_key": frozen.secret_key, "token": frozen.token}
            out["method"] = creds.method
        return out


def main():
    cases = json.load(sys.stdin)
    json.dump([read(c) for c in cases], sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
