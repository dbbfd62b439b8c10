/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query NoSecretsCacheTestReveal($id: ID!) {\n    credentialReveal(id: $id) { id fields { name value } }\n  }\n": typeof types.NoSecretsCacheTestRevealDocument,
    "\n  query NoSecretsCacheTestMe {\n    me { id }\n  }\n": typeof types.NoSecretsCacheTestMeDocument,
    "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n": typeof types.ConflictingIdentityDocument,
    "\n  query ConflictingAccessRequest($id: ID!) {\n    accessRequest(id: $id) { id status platform { key name } client { id } }\n  }\n": typeof types.ConflictingAccessRequestDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n": typeof types.ClientDocument,
    "\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n": typeof types.ClientsDocument,
    "\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n": typeof types.CreateIdentityChoicesDocument,
    "\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n": typeof types.CreateIdentityDocument,
    "\n  mutation RotateCredentials($identityId: ID!, $input: RotateCredentialsInput) {\n    rotateCredentials(identityId: $identityId, input: $input) { ...IdentityDetail }\n  }\n": typeof types.RotateCredentialsDocument,
    "\n  mutation UpdateCredentials($input: UpdateCredentialsInput!) {\n    updateCredentials(input: $input) { ...IdentityDetail }\n  }\n": typeof types.UpdateCredentialsDocument,
    "\n  mutation DeleteIdentity($id: ID!) {\n    deleteIdentity(id: $id) { ...IdentityDetail }\n  }\n": typeof types.DeleteIdentityDocument,
    "\n  query IdentitiesTab($clientId: ID!, $after: String) {\n    identities(clientId: $clientId, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id\n        type\n        displayName\n        email\n        provisioningState\n        lastError\n        updatedAt\n        platform { key name }\n      }\n    }\n  }\n": typeof types.IdentitiesTabDocument,
    "\n  subscription IdentityRowUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { id provisioningState lastError updatedAt }\n  }\n": typeof types.IdentityRowUpdatedDocument,
    "\n  subscription IdentitiesTabRequests($clientId: ID) {\n    accessRequestUpdated(clientId: $clientId) { id status }\n  }\n": typeof types.IdentitiesTabRequestsDocument,
    "\n  query IdentityPage($id: ID!) {\n    identity(id: $id) { ...IdentityDetail }\n  }\n": typeof types.IdentityPageDocument,
    "\n  subscription IdentityPageUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { ...IdentityDetail }\n  }\n": typeof types.IdentityPageUpdatedDocument,
    "\n  query IdentityPagePlatforms {\n    platforms { key connection { state } }\n  }\n": typeof types.IdentityPagePlatformsDocument,
    "\n  mutation RetryProvisioning($identityId: ID!) {\n    retryProvisioning(identityId: $identityId) { ...IdentityDetail }\n  }\n": typeof types.RetryProvisioningDocument,
    "\n  mutation RevealCredentials($identityId: ID!) {\n    revealCredentials(identityId: $identityId) {\n      id\n      secondsRemaining\n      fields { name value }\n      totpCode\n    }\n  }\n": typeof types.RevealCredentialsDocument,
    "\n  subscription RevealCountdown($revealId: ID!) {\n    revealCountdown(revealId: $revealId) { revealId secondsRemaining expired }\n  }\n": typeof types.RevealCountdownDocument,
    "\n  fragment IdentityDetail on Identity {\n    id\n    scope\n    type\n    displayName\n    email\n    provisioningState\n    lastError\n    origin\n    loginUrl\n    notes\n    tokenExpiresAt\n    credentialsRotatedAt\n    createdAt\n    updatedAt\n    stateChangedAt\n    retryProvisioningAfter\n    client { id name }\n    platform { key name }\n    providerStatuses { provider status lastError updatedAt }\n  }\n": typeof types.IdentityDetailFragmentDoc,
    "\n  query UnreadCount {\n    notifications(unreadOnly: true, first: 1) { unreadCount }\n  }\n": typeof types.UnreadCountDocument,
    "\n  subscription NotificationAdded {\n    notificationAdded { id title }\n  }\n": typeof types.NotificationAddedDocument,
    "\n  query Notifications {\n    notifications(first: 50) {\n      unreadCount\n      nodes { id kind title body data readAt createdAt }\n    }\n  }\n": typeof types.NotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  query ClientAccessRequests($clientId: ID!) {\n    accessRequests(clientId: $clientId, first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n": typeof types.ClientAccessRequestsDocument,
    "\n  subscription ClientAccessRequestUpdated($clientId: ID!) {\n    accessRequestUpdated(clientId: $clientId) { ...AccessRequestFields }\n  }\n": typeof types.ClientAccessRequestUpdatedDocument,
    "\n  mutation ApproveAccessRequest($id: ID!, $reason: String, $credentials: ApprovalCredentialsInput) {\n    approveAccessRequest(id: $id, reason: $reason, credentials: $credentials) {\n      ...AccessRequestFields\n    }\n  }\n": typeof types.ApproveAccessRequestDocument,
    "\n  mutation RejectAccessRequest($id: ID!, $reason: String) {\n    rejectAccessRequest(id: $id, reason: $reason) {\n      ...AccessRequestFields\n    }\n  }\n": typeof types.RejectAccessRequestDocument,
    "\n  query MyAccessRequests {\n    accessRequests(first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n": typeof types.MyAccessRequestsDocument,
    "\n  subscription MyAccessRequestUpdated {\n    accessRequestUpdated { ...AccessRequestFields }\n  }\n": typeof types.MyAccessRequestUpdatedDocument,
    "\n  query RequestAccessOptions {\n    platforms { key name connection { state } }\n    roleTemplates { id name identityType defaultJustification platform { key name } }\n  }\n": typeof types.RequestAccessOptionsDocument,
    "\n  mutation SubmitAccessRequest($input: SubmitAccessRequestInput!) {\n    submitAccessRequest(input: $input) { ...AccessRequestFields }\n  }\n": typeof types.SubmitAccessRequestDocument,
    "\n  fragment AccessRequestFields on AccessRequest {\n    id\n    status\n    identityType\n    roleTemplateId\n    justification\n    reason\n    createdAt\n    decidedAt\n    expiresAt\n    client { id name }\n    platform { key name }\n    requester { id name }\n    identity { id provisioningState lastError }\n  }\n": typeof types.AccessRequestFieldsFragmentDoc,
};
const documents: Documents = {
    "\n  query NoSecretsCacheTestReveal($id: ID!) {\n    credentialReveal(id: $id) { id fields { name value } }\n  }\n": types.NoSecretsCacheTestRevealDocument,
    "\n  query NoSecretsCacheTestMe {\n    me { id }\n  }\n": types.NoSecretsCacheTestMeDocument,
    "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n": types.ConflictingIdentityDocument,
    "\n  query ConflictingAccessRequest($id: ID!) {\n    accessRequest(id: $id) { id status platform { key name } client { id } }\n  }\n": types.ConflictingAccessRequestDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n": types.ClientDocument,
    "\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n": types.ClientsDocument,
    "\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n": types.CreateIdentityChoicesDocument,
    "\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n": types.CreateIdentityDocument,
    "\n  mutation RotateCredentials($identityId: ID!, $input: RotateCredentialsInput) {\n    rotateCredentials(identityId: $identityId, input: $input) { ...IdentityDetail }\n  }\n": types.RotateCredentialsDocument,
    "\n  mutation UpdateCredentials($input: UpdateCredentialsInput!) {\n    updateCredentials(input: $input) { ...IdentityDetail }\n  }\n": types.UpdateCredentialsDocument,
    "\n  mutation DeleteIdentity($id: ID!) {\n    deleteIdentity(id: $id) { ...IdentityDetail }\n  }\n": types.DeleteIdentityDocument,
    "\n  query IdentitiesTab($clientId: ID!, $after: String) {\n    identities(clientId: $clientId, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id\n        type\n        displayName\n        email\n        provisioningState\n        lastError\n        updatedAt\n        platform { key name }\n      }\n    }\n  }\n": types.IdentitiesTabDocument,
    "\n  subscription IdentityRowUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { id provisioningState lastError updatedAt }\n  }\n": types.IdentityRowUpdatedDocument,
    "\n  subscription IdentitiesTabRequests($clientId: ID) {\n    accessRequestUpdated(clientId: $clientId) { id status }\n  }\n": types.IdentitiesTabRequestsDocument,
    "\n  query IdentityPage($id: ID!) {\n    identity(id: $id) { ...IdentityDetail }\n  }\n": types.IdentityPageDocument,
    "\n  subscription IdentityPageUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { ...IdentityDetail }\n  }\n": types.IdentityPageUpdatedDocument,
    "\n  query IdentityPagePlatforms {\n    platforms { key connection { state } }\n  }\n": types.IdentityPagePlatformsDocument,
    "\n  mutation RetryProvisioning($identityId: ID!) {\n    retryProvisioning(identityId: $identityId) { ...IdentityDetail }\n  }\n": types.RetryProvisioningDocument,
    "\n  mutation RevealCredentials($identityId: ID!) {\n    revealCredentials(identityId: $identityId) {\n      id\n      secondsRemaining\n      fields { name value }\n      totpCode\n    }\n  }\n": types.RevealCredentialsDocument,
    "\n  subscription RevealCountdown($revealId: ID!) {\n    revealCountdown(revealId: $revealId) { revealId secondsRemaining expired }\n  }\n": types.RevealCountdownDocument,
    "\n  fragment IdentityDetail on Identity {\n    id\n    scope\n    type\n    displayName\n    email\n    provisioningState\n    lastError\n    origin\n    loginUrl\n    notes\n    tokenExpiresAt\n    credentialsRotatedAt\n    createdAt\n    updatedAt\n    stateChangedAt\n    retryProvisioningAfter\n    client { id name }\n    platform { key name }\n    providerStatuses { provider status lastError updatedAt }\n  }\n": types.IdentityDetailFragmentDoc,
    "\n  query UnreadCount {\n    notifications(unreadOnly: true, first: 1) { unreadCount }\n  }\n": types.UnreadCountDocument,
    "\n  subscription NotificationAdded {\n    notificationAdded { id title }\n  }\n": types.NotificationAddedDocument,
    "\n  query Notifications {\n    notifications(first: 50) {\n      unreadCount\n      nodes { id kind title body data readAt createdAt }\n    }\n  }\n": types.NotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  query ClientAccessRequests($clientId: ID!) {\n    accessRequests(clientId: $clientId, first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n": types.ClientAccessRequestsDocument,
    "\n  subscription ClientAccessRequestUpdated($clientId: ID!) {\n    accessRequestUpdated(clientId: $clientId) { ...AccessRequestFields }\n  }\n": types.ClientAccessRequestUpdatedDocument,
    "\n  mutation ApproveAccessRequest($id: ID!, $reason: String, $credentials: ApprovalCredentialsInput) {\n    approveAccessRequest(id: $id, reason: $reason, credentials: $credentials) {\n      ...AccessRequestFields\n    }\n  }\n": types.ApproveAccessRequestDocument,
    "\n  mutation RejectAccessRequest($id: ID!, $reason: String) {\n    rejectAccessRequest(id: $id, reason: $reason) {\n      ...AccessRequestFields\n    }\n  }\n": types.RejectAccessRequestDocument,
    "\n  query MyAccessRequests {\n    accessRequests(first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n": types.MyAccessRequestsDocument,
    "\n  subscription MyAccessRequestUpdated {\n    accessRequestUpdated { ...AccessRequestFields }\n  }\n": types.MyAccessRequestUpdatedDocument,
    "\n  query RequestAccessOptions {\n    platforms { key name connection { state } }\n    roleTemplates { id name identityType defaultJustification platform { key name } }\n  }\n": types.RequestAccessOptionsDocument,
    "\n  mutation SubmitAccessRequest($input: SubmitAccessRequestInput!) {\n    submitAccessRequest(input: $input) { ...AccessRequestFields }\n  }\n": types.SubmitAccessRequestDocument,
    "\n  fragment AccessRequestFields on AccessRequest {\n    id\n    status\n    identityType\n    roleTemplateId\n    justification\n    reason\n    createdAt\n    decidedAt\n    expiresAt\n    client { id name }\n    platform { key name }\n    requester { id name }\n    identity { id provisioningState lastError }\n  }\n": types.AccessRequestFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NoSecretsCacheTestReveal($id: ID!) {\n    credentialReveal(id: $id) { id fields { name value } }\n  }\n"): (typeof documents)["\n  query NoSecretsCacheTestReveal($id: ID!) {\n    credentialReveal(id: $id) { id fields { name value } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NoSecretsCacheTestMe {\n    me { id }\n  }\n"): (typeof documents)["\n  query NoSecretsCacheTestMe {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n"): (typeof documents)["\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConflictingAccessRequest($id: ID!) {\n    accessRequest(id: $id) { id status platform { key name } client { id } }\n  }\n"): (typeof documents)["\n  query ConflictingAccessRequest($id: ID!) {\n    accessRequest(id: $id) { id status platform { key name } client { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n"): (typeof documents)["\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n"): (typeof documents)["\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n"): (typeof documents)["\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateCredentials($identityId: ID!, $input: RotateCredentialsInput) {\n    rotateCredentials(identityId: $identityId, input: $input) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  mutation RotateCredentials($identityId: ID!, $input: RotateCredentialsInput) {\n    rotateCredentials(identityId: $identityId, input: $input) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCredentials($input: UpdateCredentialsInput!) {\n    updateCredentials(input: $input) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  mutation UpdateCredentials($input: UpdateCredentialsInput!) {\n    updateCredentials(input: $input) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteIdentity($id: ID!) {\n    deleteIdentity(id: $id) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  mutation DeleteIdentity($id: ID!) {\n    deleteIdentity(id: $id) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IdentitiesTab($clientId: ID!, $after: String) {\n    identities(clientId: $clientId, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id\n        type\n        displayName\n        email\n        provisioningState\n        lastError\n        updatedAt\n        platform { key name }\n      }\n    }\n  }\n"): (typeof documents)["\n  query IdentitiesTab($clientId: ID!, $after: String) {\n    identities(clientId: $clientId, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id\n        type\n        displayName\n        email\n        provisioningState\n        lastError\n        updatedAt\n        platform { key name }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IdentityRowUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { id provisioningState lastError updatedAt }\n  }\n"): (typeof documents)["\n  subscription IdentityRowUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { id provisioningState lastError updatedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IdentitiesTabRequests($clientId: ID) {\n    accessRequestUpdated(clientId: $clientId) { id status }\n  }\n"): (typeof documents)["\n  subscription IdentitiesTabRequests($clientId: ID) {\n    accessRequestUpdated(clientId: $clientId) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IdentityPage($id: ID!) {\n    identity(id: $id) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  query IdentityPage($id: ID!) {\n    identity(id: $id) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IdentityPageUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  subscription IdentityPageUpdated($id: ID!) {\n    identityUpdated(identityId: $id) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IdentityPagePlatforms {\n    platforms { key connection { state } }\n  }\n"): (typeof documents)["\n  query IdentityPagePlatforms {\n    platforms { key connection { state } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryProvisioning($identityId: ID!) {\n    retryProvisioning(identityId: $identityId) { ...IdentityDetail }\n  }\n"): (typeof documents)["\n  mutation RetryProvisioning($identityId: ID!) {\n    retryProvisioning(identityId: $identityId) { ...IdentityDetail }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevealCredentials($identityId: ID!) {\n    revealCredentials(identityId: $identityId) {\n      id\n      secondsRemaining\n      fields { name value }\n      totpCode\n    }\n  }\n"): (typeof documents)["\n  mutation RevealCredentials($identityId: ID!) {\n    revealCredentials(identityId: $identityId) {\n      id\n      secondsRemaining\n      fields { name value }\n      totpCode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RevealCountdown($revealId: ID!) {\n    revealCountdown(revealId: $revealId) { revealId secondsRemaining expired }\n  }\n"): (typeof documents)["\n  subscription RevealCountdown($revealId: ID!) {\n    revealCountdown(revealId: $revealId) { revealId secondsRemaining expired }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IdentityDetail on Identity {\n    id\n    scope\n    type\n    displayName\n    email\n    provisioningState\n    lastError\n    origin\n    loginUrl\n    notes\n    tokenExpiresAt\n    credentialsRotatedAt\n    createdAt\n    updatedAt\n    stateChangedAt\n    retryProvisioningAfter\n    client { id name }\n    platform { key name }\n    providerStatuses { provider status lastError updatedAt }\n  }\n"): (typeof documents)["\n  fragment IdentityDetail on Identity {\n    id\n    scope\n    type\n    displayName\n    email\n    provisioningState\n    lastError\n    origin\n    loginUrl\n    notes\n    tokenExpiresAt\n    credentialsRotatedAt\n    createdAt\n    updatedAt\n    stateChangedAt\n    retryProvisioningAfter\n    client { id name }\n    platform { key name }\n    providerStatuses { provider status lastError updatedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadCount {\n    notifications(unreadOnly: true, first: 1) { unreadCount }\n  }\n"): (typeof documents)["\n  query UnreadCount {\n    notifications(unreadOnly: true, first: 1) { unreadCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationAdded {\n    notificationAdded { id title }\n  }\n"): (typeof documents)["\n  subscription NotificationAdded {\n    notificationAdded { id title }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notifications {\n    notifications(first: 50) {\n      unreadCount\n      nodes { id kind title body data readAt createdAt }\n    }\n  }\n"): (typeof documents)["\n  query Notifications {\n    notifications(first: 50) {\n      unreadCount\n      nodes { id kind title body data readAt createdAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientAccessRequests($clientId: ID!) {\n    accessRequests(clientId: $clientId, first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n"): (typeof documents)["\n  query ClientAccessRequests($clientId: ID!) {\n    accessRequests(clientId: $clientId, first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientAccessRequestUpdated($clientId: ID!) {\n    accessRequestUpdated(clientId: $clientId) { ...AccessRequestFields }\n  }\n"): (typeof documents)["\n  subscription ClientAccessRequestUpdated($clientId: ID!) {\n    accessRequestUpdated(clientId: $clientId) { ...AccessRequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveAccessRequest($id: ID!, $reason: String, $credentials: ApprovalCredentialsInput) {\n    approveAccessRequest(id: $id, reason: $reason, credentials: $credentials) {\n      ...AccessRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveAccessRequest($id: ID!, $reason: String, $credentials: ApprovalCredentialsInput) {\n    approveAccessRequest(id: $id, reason: $reason, credentials: $credentials) {\n      ...AccessRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectAccessRequest($id: ID!, $reason: String) {\n    rejectAccessRequest(id: $id, reason: $reason) {\n      ...AccessRequestFields\n    }\n  }\n"): (typeof documents)["\n  mutation RejectAccessRequest($id: ID!, $reason: String) {\n    rejectAccessRequest(id: $id, reason: $reason) {\n      ...AccessRequestFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyAccessRequests {\n    accessRequests(first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n"): (typeof documents)["\n  query MyAccessRequests {\n    accessRequests(first: 100) {\n      nodes { ...AccessRequestFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyAccessRequestUpdated {\n    accessRequestUpdated { ...AccessRequestFields }\n  }\n"): (typeof documents)["\n  subscription MyAccessRequestUpdated {\n    accessRequestUpdated { ...AccessRequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RequestAccessOptions {\n    platforms { key name connection { state } }\n    roleTemplates { id name identityType defaultJustification platform { key name } }\n  }\n"): (typeof documents)["\n  query RequestAccessOptions {\n    platforms { key name connection { state } }\n    roleTemplates { id name identityType defaultJustification platform { key name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitAccessRequest($input: SubmitAccessRequestInput!) {\n    submitAccessRequest(input: $input) { ...AccessRequestFields }\n  }\n"): (typeof documents)["\n  mutation SubmitAccessRequest($input: SubmitAccessRequestInput!) {\n    submitAccessRequest(input: $input) { ...AccessRequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccessRequestFields on AccessRequest {\n    id\n    status\n    identityType\n    roleTemplateId\n    justification\n    reason\n    createdAt\n    decidedAt\n    expiresAt\n    client { id name }\n    platform { key name }\n    requester { id name }\n    identity { id provisioningState lastError }\n  }\n"): (typeof documents)["\n  fragment AccessRequestFields on AccessRequest {\n    id\n    status\n    identityType\n    roleTemplateId\n    justification\n    reason\n    createdAt\n    decidedAt\n    expiresAt\n    client { id name }\n    platform { key name }\n    requester { id name }\n    identity { id provisioningState lastError }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;