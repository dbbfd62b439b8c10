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
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n": typeof types.ClientDocument,
    "\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n": typeof types.ClientsDocument,
    "\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n": typeof types.CreateIdentityChoicesDocument,
    "\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n": typeof types.CreateIdentityDocument,
    "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n": typeof types.ConflictingIdentityDocument,
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
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      client { id name }\n      agency { id name }\n      can {\n        readAgency readOps manage decideRequests submitRequest\n        revealAgencyIdentity revealClientIdentity changeSettings viewQueues\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { id }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Client($id: ID!) {\n    client(id: $id) { id name }\n  }\n": types.ClientDocument,
    "\n  query Clients {\n    clients(first: 100) {\n      nodes { id name createdAt }\n    }\n  }\n": types.ClientsDocument,
    "\n  query CreateIdentityChoices {\n    clients(first: 100) { nodes { id name } }\n    platforms { key name connection { state } }\n  }\n": types.CreateIdentityChoicesDocument,
    "\n  mutation CreateIdentity($input: CreateIdentityInput!) {\n    createIdentity(input: $input) { id }\n  }\n": types.CreateIdentityDocument,
    "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n": types.ConflictingIdentityDocument,
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
export function graphql(source: "\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n"): (typeof documents)["\n  query ConflictingIdentity($id: ID!) {\n    identity(id: $id) { id displayName }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;