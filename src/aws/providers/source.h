#pragma once
// A credential source of the chain: its name for messages and how to fetch
// from it. Each providers/*.h has a detect function that returns the source
// when its configuration is present, or nullopt and a one-line reason why it
// was not considered ("AWS_WEB_IDENTITY_TOKEN_FILE not set").

#include <string>

#include "aws/refreshing_provider.h"

namespace cw::aws {

struct CredentialSource {
  std::string name;        // "web identity (arn:aws:iam::1:role/x)": no secrets
  CredentialsFetch fetch;  // throws CredentialsError with one line
};

}  // namespace cw::aws
