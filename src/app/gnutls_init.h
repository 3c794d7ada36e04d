#pragma once
// Debian's libcurl brings GnuTLS along (by way of librtmp), and GnuTLS sets
// itself up as soon as it is loaded: about 0.8 MiB resident for a library this
// program never calls (HTTPS goes through OpenSSL). Its only switch is the
// environment variable GNUTLS_NO_IMPLICIT_INIT, read at load time, before
// main. So the first start sets it and executes itself again, and the second
// takes it out of the environment, so that child processes (a profile's
// credential_process) see the environment the sidecar was given.
//
// Call first thing in main, before any thread exists. Does nothing for the
// short-lived commands (--help, --version, --healthcheck, --check) or when
// the operator set GNUTLS_NO_IMPLICIT_INIT (theirs to keep), and carries on
// as started if the executable cannot be run again (no /proc).

namespace cw::app {

void restart_without_gnutls_init(char** argv);

}  // namespace cw::app
