// The identity screens' shared GraphQL pieces: one fragment for everything the detail page
// shows, so the query, the live subscription and every mutation answer the same shape.
import { graphql } from '../gql';

export const IdentityDetailFragment = graphql(`
  fragment IdentityDetail on Identity {
    id
    scope
    type
    displayName
    email
    provisioningState
    lastError
    origin
    loginUrl
    notes
    tokenExpiresAt
    credentialsRotatedAt
    createdAt
    updatedAt
    stateChangedAt
    retryProvisioningAfter
    client { id name }
    platform { key name }
    providerStatuses { provider status lastError updatedAt }
  }
`);
