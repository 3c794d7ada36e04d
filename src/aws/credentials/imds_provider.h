#pragma once
// EC2 instance role credentials through IMDSv2 (imds_client.h): the role name
// from /latest/meta-data/iam/security-credentials/, then its credentials.

#include <optional>
#include <string>

#include "aws/credentials/credential_source.h"
#include "aws/environment.h"

namespace cw::aws {

// nullopt and `why` when AWS_EC2_METADATA_DISABLED is true.
std::optional<CredentialSource> detect_imds(const Environment& env, std::string& why);

// The source for a profile's credential_source = Ec2InstanceMetadata; it
// still honours AWS_EC2_METADATA_DISABLED (its fetch throws then).
CredentialSource imds_source(const Environment& env);

}  // namespace cw::aws
