"""A throw-away self-signed certificate for the sink's HTTPS mode, made with the openssl CLI."""

import os
import subprocess


def self_signed(directory):
    """Returns (cert.pem, key.pem) valid for 127.0.0.1; the cert is also the CA bundle to trust."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key
