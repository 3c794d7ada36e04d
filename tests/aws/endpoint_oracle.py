"""Independent oracle for endpoint_rules_test: evaluates the endpoint rule sets
with botocore's own resolver. Reads "service region fips dualstack" lines on
stdin and prints one URL (or "ERROR <message>") per line.

The CloudWatch Logs rule set comes from $CW_SHARED_DIR/aws-models (the file the
sidecar is specified against); STS's from botocore's data, evaluated with the
SDKs' default of regional endpoints (UseGlobalEndpoint false)."""

import json
import os
import sys

import botocore.loaders
from botocore.endpoint_provider import EndpointProvider


def main():
    loader = botocore.loaders.create_loader()
    partitions = loader.load_data("partitions")
    shared = os.environ.get("CW_SHARED_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
    with open(os.path.join(shared, "aws-models", "logs-2014-03-28-endpoint-rule-set-1.json")) as f:
        logs_rules = json.load(f)
    sts_rules = loader.load_service_model("sts", "endpoint-rule-set-1")
    providers = {"logs": EndpointProvider(logs_rules, partitions), "sts": EndpointProvider(sts_rules, partitions)}
    for line in sys.stdin:
        service, region, fips, dualstack = line.split()
        params = {"Region": region, "UseFIPS": fips == "1", "UseDualStack": dualstack == "1"}
        if service == "sts":
            params["UseGlobalEndpoint"] = False
        try:
            endpoint = providers[service].resolve_endpoint(**params)
            print(endpoint.url)
        except Exception as e:  # the rule set's error branches
            print("ERROR " + str(e).replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
