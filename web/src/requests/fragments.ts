import { graphql } from '../gql';

/** What a request row, a client user's request list and the live updates show. */
export const AccessRequestFields = graphql(`
  fragment AccessRequestFields on AccessRequest {
    id
    status
    identityType
    roleTemplateId
    justification
    reason
    createdAt
    decidedAt
    expiresAt
    client { id name }
    platform { key name }
    requester { id name }
    identity { id provisioningState lastError }
  }
`);
