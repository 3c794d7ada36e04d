#!/usr/bin/env python3
"""Signs one request with botocore's SigV4Auth, an independent second signer.

Prints the Authorization header on the first line and botocore's canonical
request after it. Exit status 3 means botocore is not installed.

Headers come from a file, one "Name: value" per line (UTF-8); the body from a
file, read as raw bytes so botocore hashes exactly what our signer hashed.
"""

import argparse
import datetime
import sys
from unittest import mock


def parse_args():
    parser = argparse.ArgumentParser()
    for name in ('--method', '--url', '--region', '--service', '--amz-date',
                 '--access-key', '--secret-key', '--headers', '--body'):
        parser.add_argument(name, required=True)
    parser.add_argument('--token', default='')
    return parser.parse_args()


def read_headers(path):
    headers = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line:
                name, _, value = line.partition(':')
                headers[name] = value.strip()
    return headers


def frozen_clock(auth_module, now):
    # Newer botocore reads the clock through get_current_datetime(); older
    # releases called datetime.datetime.utcnow() directly.
    if hasattr(auth_module, 'get_current_datetime'):
        return mock.patch.object(auth_module, 'get_current_datetime', return_value=now)
    fake = mock.Mock(wraps=datetime.datetime)
    fake.utcnow.return_value = now
    return mock.patch.object(auth_module.datetime, 'datetime', fake)


def main():
    args = parse_args()
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError as error:
        print(f'botocore unavailable: {error}', file=sys.stderr)
        return 3

    with open(args.body, 'rb') as f:
        body = f.read()
    request = botocore.awsrequest.AWSRequest(
        method=args.method, url=args.url, headers=read_headers(args.headers), data=body)
    credentials = botocore.credentials.Credentials(
        args.access_key, args.secret_key, args.token or None)
    auth = botocore.auth.SigV4Auth(credentials, args.service, args.region)

    captured = {}
    compute_canonical = auth.canonical_request

    def record_canonical(req):
        captured['canonical'] = compute_canonical(req)
        return captured['canonical']

    auth.canonical_request = record_canonical
    now = datetime.datetime.strptime(args.amz_date, '%Y%m%dT%H%M%SZ')
    with frozen_clock(botocore.auth, now):
        auth.add_auth(request)

    print(request.headers['Authorization'])
    print(captured.get('canonical', ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
