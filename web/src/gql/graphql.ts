/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Arbitrary JSON (job input, result and progress). */
  JSON: { input: any; output: any; }
  /** An RFC 3339 timestamp. */
  Time: { input: string; output: string; }
};

/** A client user's request for access to a platform. */
export type AccessRequest = {
  __typename?: 'AccessRequest';
  client: Client;
  createdAt: Scalars['Time']['output'];
  decidedAt?: Maybe<Scalars['Time']['output']>;
  expiresAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  /** The identity approval created, with its provisioning state and last error. */
  identity?: Maybe<RequestIdentity>;
  identityType: IdentityType;
  justification: Scalars['String']['output'];
  platform: Platform;
  /** The decision's reason, shown to the requester. */
  reason?: Maybe<Scalars['String']['output']>;
  requester: RequestUser;
  roleTemplateId?: Maybe<Scalars['ID']['output']>;
  /** For owners and admins, while a MANAGED_GWS request is PENDING: why approving it would be refused now (the Google Workspace identity source is not CONNECTED), naming the source, its state and last error. Null otherwise. */
  sourceWarning?: Maybe<Scalars['String']['output']>;
  status: AccessRequestStatus;
};

export type AccessRequestConnection = {
  __typename?: 'AccessRequestConnection';
  edges: Array<AccessRequestEdge>;
  nodes: Array<AccessRequest>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AccessRequestEdge = {
  __typename?: 'AccessRequestEdge';
  cursor: Scalars['String']['output'];
  node: AccessRequest;
};

export type AccessRequestStatus =
  | 'APPROVED'
  | 'EXPIRED'
  | 'PENDING'
  | 'PROVISIONED'
  | 'REJECTED';

/** The tenant. */
export type Agency = {
  __typename?: 'Agency';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type AgencySettings = {
  __typename?: 'AgencySettings';
  accessRequestExpiryHours: Scalars['Int']['output'];
  namingTemplate: Scalars['String']['output'];
};

export type ApprovalCredentialsInput = {
  password?: InputMaybe<Scalars['String']['input']>;
  token?: InputMaybe<Scalars['String']['input']>;
  totpSecret?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type AuditEvent = {
  __typename?: 'AuditEvent';
  actorUserId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['Time']['output'];
  data?: Maybe<Scalars['JSON']['output']>;
  id: Scalars['ID']['output'];
  /** The client address of the action: owners and admins only (null for members, and when not known). */
  ip?: Maybe<Scalars['String']['output']>;
  kind: Scalars['String']['output'];
  targetId?: Maybe<Scalars['ID']['output']>;
  targetType: Scalars['String']['output'];
  /** The browser of the action: owners and admins only (null for members, and when not known). */
  userAgent?: Maybe<Scalars['String']['output']>;
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  nodes: Array<AuditEvent>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

/** What a user's role allows, answered from the API's own role table, so the console shows only the actions the API would accept (the API still checks every call). */
export type Capabilities = {
  __typename?: 'Capabilities';
  /** Change agency settings. */
  changeSettings: Scalars['Boolean']['output'];
  /** Approve and reject access requests. */
  decideRequests: Scalars['Boolean']['output'];
  /** Create clients, users and identities, delete identities, connect platforms, configure and sync Google Workspace, retry provisioning. */
  manage: Scalars['Boolean']['output'];
  /** Read clients, identities and requests (a client user: its own client's). */
  readAgency: Scalars['Boolean']['output'];
  /** Read jobs and identity sources (staff). */
  readOps: Scalars['Boolean']['output'];
  /** Reveal an agency identity's credentials. */
  revealAgencyIdentity: Scalars['Boolean']['output'];
  /** Reveal a client-dedicated identity's credentials. */
  revealClientIdentity: Scalars['Boolean']['output'];
  /** Submit an access request for one's own client. */
  submitRequest: Scalars['Boolean']['output'];
  /** Open the job queues at /ops/queues (operator agency only, which the server checks on access). */
  viewQueues: Scalars['Boolean']['output'];
};

/** One of the agency's customers. */
export type Client = {
  __typename?: 'Client';
  /** When the client was offboarded; null for a live client. */
  archivedAt?: Maybe<Scalars['Time']['output']>;
  createdAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type ClientConnection = {
  __typename?: 'ClientConnection';
  edges: Array<ClientEdge>;
  nodes: Array<Client>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ClientEdge = {
  __typename?: 'ClientEdge';
  cursor: Scalars['String']['output'];
  node: Client;
};

export type ConfigureIdentitySourceInput = {
  adminSubject: Scalars['String']['input'];
  customerId: Scalars['String']['input'];
  domain: Scalars['String']['input'];
  managedOu?: InputMaybe<Scalars['String']['input']>;
  /** The service account's JSON key; absent keeps the stored one. */
  serviceAccountKey?: InputMaybe<Scalars['String']['input']>;
};

export type ConnectPlatformInput = {
  platform: PlatformKey;
  state: ConnectionState;
};

export type ConnectionState =
  | 'DEGRADED'
  | 'DISCONNECTED'
  | 'OPERATIONAL'
  | 'PENDING';

export type CreateClientInput = {
  name: Scalars['String']['input'];
};

export type CreateIdentityInput = {
  /** Absent for an agency identity. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  displayName?: InputMaybe<Scalars['String']['input']>;
  loginUrl?: InputMaybe<Scalars['String']['input']>;
  notes?: InputMaybe<Scalars['String']['input']>;
  password?: InputMaybe<Scalars['String']['input']>;
  /** Required for client-dedicated and MANAGED_GWS identities; absent means agency-wide. */
  platform?: InputMaybe<PlatformKey>;
  token?: InputMaybe<Scalars['String']['input']>;
  tokenExpiresAt?: InputMaybe<Scalars['Time']['input']>;
  totpSecret?: InputMaybe<Scalars['String']['input']>;
  type: IdentityType;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type CreateRoleTemplateInput = {
  defaultJustification?: InputMaybe<Scalars['String']['input']>;
  identityType: IdentityType;
  name: Scalars['String']['input'];
  platform: PlatformKey;
};

export type CreateUserInput = {
  /** Required for CLIENT_USER, refused otherwise. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  password: Scalars['String']['input'];
  role: Role;
};

export type CredentialField = {
  __typename?: 'CredentialField';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** Revealed credentials, readable until expiresAt (30 seconds) and never after. */
export type CredentialReveal = {
  __typename?: 'CredentialReveal';
  expiresAt: Scalars['Time']['output'];
  fields: Array<CredentialField>;
  id: Scalars['ID']['output'];
  identityId: Scalars['ID']['output'];
  secondsRemaining: Scalars['Int']['output'];
  /** The current TOTP code, for an EXTERNAL_LOGIN with a TOTP secret. */
  totpCode?: Maybe<Scalars['String']['output']>;
};

export type DeactivationResult = {
  __typename?: 'DeactivationResult';
  /** What this person revealed and has not been rotated since: rotateRevealedBy runs it. */
  rotationOffer: Array<RotationOfferItem>;
  user: User;
};

export type DirectoryMismatch = {
  __typename?: 'DirectoryMismatch';
  detail: Scalars['String']['output'];
  email: Scalars['String']['output'];
  identityId?: Maybe<Scalars['ID']['output']>;
  kind: MismatchKind;
};

/** What a directory sync found. A sync changes nothing; repairDirectory acts on a report. */
export type DirectorySyncReport = {
  __typename?: 'DirectorySyncReport';
  expected: Scalars['Int']['output'];
  finishedAt: Scalars['Time']['output'];
  id: Scalars['ID']['output'];
  jobId?: Maybe<Scalars['ID']['output']>;
  mismatches: Array<DirectoryMismatch>;
  pages: Scalars['Int']['output'];
  repairedAt?: Maybe<Scalars['Time']['output']>;
  repairs: Array<RepairAction>;
  sourceId: Scalars['ID']['output'];
  startedAt: Scalars['Time']['output'];
  truncated: Scalars['Boolean']['output'];
  usersSeen: Scalars['Int']['output'];
};

/** A login, token or managed Google Workspace user used on a platform. Credentials are only ever shown by revealCredentials. */
export type Identity = {
  __typename?: 'Identity';
  client?: Maybe<Client>;
  createdAt: Scalars['Time']['output'];
  credentialsRotatedAt?: Maybe<Scalars['Time']['output']>;
  displayName: Scalars['String']['output'];
  /** The managed directory address (MANAGED_GWS). */
  email?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  loginUrl?: Maybe<Scalars['String']['output']>;
  notes?: Maybe<Scalars['String']['output']>;
  origin: Scalars['String']['output'];
  /** Null for an agency-wide identity. */
  platform?: Maybe<Platform>;
  providerStatuses: Array<ProviderStatus>;
  provisioningState: ProvisioningState;
  /**
   * When Retry Provisioning becomes possible (MANAGED_GWS only): the time of the failure when
   * FAILED, the end of the configured stuck threshold when PROVISIONING; null in every other state.
   * The console enables its Retry Provisioning button from then on; a provisioning job still
   * active at that time makes the API refuse the retry with a CONFLICT naming the job.
   */
  retryProvisioningAfter?: Maybe<Scalars['Time']['output']>;
  scope: IdentityScope;
  /** When the identity entered its current provisioning state. */
  stateChangedAt: Scalars['Time']['output'];
  tokenExpiresAt?: Maybe<Scalars['Time']['output']>;
  type: IdentityType;
  updatedAt: Scalars['Time']['output'];
};

export type IdentityConnection = {
  __typename?: 'IdentityConnection';
  edges: Array<IdentityEdge>;
  nodes: Array<Identity>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type IdentityEdge = {
  __typename?: 'IdentityEdge';
  cursor: Scalars['String']['output'];
  node: Identity;
};

export type IdentityScope =
  | 'AGENCY'
  | 'CLIENT';

/** A Google Workspace directory the agency's managed identities live in. The service-account key is never returned. */
export type IdentitySource = {
  __typename?: 'IdentitySource';
  adminSubject: Scalars['String']['output'];
  customerId: Scalars['String']['output'];
  domain: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  keyConfigured: Scalars['Boolean']['output'];
  kind: Scalars['String']['output'];
  lastCheckAt?: Maybe<Scalars['Time']['output']>;
  lastError?: Maybe<Scalars['String']['output']>;
  lastSyncAt?: Maybe<Scalars['Time']['output']>;
  managedOu: Scalars['String']['output'];
  serviceAccountEmail?: Maybe<Scalars['String']['output']>;
  state: IdentitySourceState;
};

export type IdentitySourceState =
  /** Configured; the check that proves the configuration against the directory has not ended yet. */
  | 'CHECKING'
  | 'CONNECTED'
  | 'ERROR'
  | 'NOT_CONFIGURED';

export type IdentityType =
  | 'API_TOKEN'
  | 'EXTERNAL_LOGIN'
  | 'MANAGED_GWS';

export type InviteUserInput = {
  /** Required for CLIENT_USER, refused otherwise. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  role: Role;
};

/** A recorded run of a background job. Input, result and progress never hold secrets. */
export type Job = {
  __typename?: 'Job';
  attempts: Scalars['Int']['output'];
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['Time']['output']>;
  id: Scalars['ID']['output'];
  input?: Maybe<Scalars['JSON']['output']>;
  maxAttempts: Scalars['Int']['output'];
  progress?: Maybe<Scalars['JSON']['output']>;
  queuedAt: Scalars['Time']['output'];
  result?: Maybe<Scalars['JSON']['output']>;
  startedAt?: Maybe<Scalars['Time']['output']>;
  status: JobStatus;
  type: JobType;
};

export type JobStatus =
  | 'FAILED'
  | 'QUEUED'
  | 'RETRYING'
  | 'RUNNING'
  | 'SUCCEEDED';

export type JobType =
  | 'CHECK_IDENTITY_SOURCE'
  | 'CHECK_PLATFORM_CONNECTION'
  | 'DEPROVISION_IDENTITY'
  | 'EXPIRE_ACCESS_REQUESTS'
  | 'PROVISION_IDENTITY'
  | 'REWRAP_VAULT'
  | 'ROTATE_CREDENTIALS'
  | 'SEND_NOTIFICATION'
  | 'SYNC_DIRECTORY';

export type MismatchKind =
  | 'ATTRIBUTE_DRIFT'
  | 'MISSING_IN_DIRECTORY'
  | 'SUSPENDED_IN_DIRECTORY'
  | 'UNKNOWN_IN_DIRECTORY';

export type Mutation = {
  __typename?: 'Mutation';
  /** Approves a PENDING request; EXTERNAL_LOGIN and API_TOKEN credentials may come now or later with updateCredentials. */
  approveAccessRequest: AccessRequest;
  /** Changes your own password; every other session of yours ends. */
  changePassword: Scalars['Boolean']['output'];
  /** Sets a password through an invitation or reset link; needs no session. Every session of the user ends. */
  completePasswordSetup: Scalars['Boolean']['output'];
  /** Sets the agency's Google Workspace source; a check job verifies it. */
  configureIdentitySource: IdentitySource;
  /** Follows an email-change link: your login becomes the address it was sent to; needs no session. */
  confirmEmailChange: Scalars['Boolean']['output'];
  /** Sets this agency's connection state for a platform and enqueues a connection check. */
  connectPlatform: Platform;
  createClient: Client;
  createIdentity: Identity;
  createRoleTemplate: RoleTemplate;
  createUser: User;
  /** Deactivates a user (their sessions end at once) and offers rotation of what they revealed. */
  deactivateUser: DeactivationResult;
  /** Moves the identity to DEPROVISIONING; a job takes it to DELETED. */
  deleteIdentity: Identity;
  /** Deletes a role template; requests made from it keep what they were submitted with. */
  deleteRoleTemplate: Scalars['Boolean']['output'];
  /** Creates a user without a password and emails a one-time link (72 hours) to choose one (owner/admin). The answer does not depend on whether another agency uses the address. */
  inviteUser: User;
  /** Checks the credentials and sets the session cookie. */
  login: User;
  /** Ends the session and clears the cookie. */
  logout: Scalars['Boolean']['output'];
  /** Marks your notifications read; returns how many changed. */
  markNotificationsRead: Scalars['Int']['output'];
  /** Archives a client in one transaction: its open requests are closed with the reason, its users deactivated, its dedicated identities deprovisioned (owner/admin). */
  offboardClient: Client;
  rejectAccessRequest: AccessRequest;
  renameClient: Client;
  /** Acts on a sync report's mismatches (all kinds when none given): re-provision, suspend, restore attributes. */
  repairDirectory: DirectorySyncReport;
  /** Re-runs provisioning for a FAILED identity or one stuck in PROVISIONING. */
  retryProvisioning: Identity;
  /** Decrypts the credentials for 30 seconds; every reveal is recorded. */
  revealCredentials: CredentialReveal;
  /** Sets new credentials (external and token types) or enqueues a password rotation (MANAGED_GWS). */
  rotateCredentials: Identity;
  /** Rotates every identity the user revealed: jobs for managed ones, a list of the rest. */
  rotateRevealedBy: RotationRun;
  /** Ends another user's password and sessions and emails them a link to choose a new one (owner/admin). */
  sendPasswordReset: Scalars['Boolean']['output'];
  submitAccessRequest: AccessRequest;
  /** Enqueues a directory sync that stores a report and changes nothing. */
  syncDirectory: Job;
  updateAgencySettings: AgencySettings;
  updateCredentials: Identity;
  updateProfile: User;
  updateRoleTemplate: RoleTemplate;
};


export type MutationApproveAccessRequestArgs = {
  credentials?: InputMaybe<ApprovalCredentialsInput>;
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCompletePasswordSetupArgs = {
  password: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationConfigureIdentitySourceArgs = {
  input: ConfigureIdentitySourceInput;
};


export type MutationConfirmEmailChangeArgs = {
  token: Scalars['String']['input'];
};


export type MutationConnectPlatformArgs = {
  input: ConnectPlatformInput;
};


export type MutationCreateClientArgs = {
  input: CreateClientInput;
};


export type MutationCreateIdentityArgs = {
  input: CreateIdentityInput;
};


export type MutationCreateRoleTemplateArgs = {
  input: CreateRoleTemplateInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDeactivateUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteIdentityArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteRoleTemplateArgs = {
  id: Scalars['ID']['input'];
};


export type MutationInviteUserArgs = {
  input: InviteUserInput;
};


export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationMarkNotificationsReadArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationOffboardClientArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRejectAccessRequestArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRenameClientArgs = {
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


export type MutationRepairDirectoryArgs = {
  kinds?: InputMaybe<Array<MismatchKind>>;
  reportId: Scalars['ID']['input'];
};


export type MutationRetryProvisioningArgs = {
  identityId: Scalars['ID']['input'];
};


export type MutationRevealCredentialsArgs = {
  identityId: Scalars['ID']['input'];
};


export type MutationRotateCredentialsArgs = {
  identityId: Scalars['ID']['input'];
  input?: InputMaybe<RotateCredentialsInput>;
};


export type MutationRotateRevealedByArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationSendPasswordResetArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationSubmitAccessRequestArgs = {
  input: SubmitAccessRequestInput;
};


export type MutationSyncDirectoryArgs = {
  sourceId: Scalars['ID']['input'];
};


export type MutationUpdateAgencySettingsArgs = {
  input: UpdateAgencySettingsInput;
};


export type MutationUpdateCredentialsArgs = {
  input: UpdateCredentialsInput;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};


export type MutationUpdateRoleTemplateArgs = {
  id: Scalars['ID']['input'];
  input: UpdateRoleTemplateInput;
};

export type Notification = {
  __typename?: 'Notification';
  body: Scalars['String']['output'];
  createdAt: Scalars['Time']['output'];
  data?: Maybe<Scalars['JSON']['output']>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  readAt?: Maybe<Scalars['Time']['output']>;
  title: Scalars['String']['output'];
};

export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  edges: Array<NotificationEdge>;
  nodes: Array<Notification>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
  unreadCount: Scalars['Int']['output'];
};

export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  cursor: Scalars['String']['output'];
  node: Notification;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A platform of the catalog with this agency's connection to it (null when never connected). */
export type Platform = {
  __typename?: 'Platform';
  connection?: Maybe<PlatformConnection>;
  key: PlatformKey;
  name: Scalars['String']['output'];
};

export type PlatformConnection = {
  __typename?: 'PlatformConnection';
  lastCheckedAt?: Maybe<Scalars['Time']['output']>;
  lastError?: Maybe<Scalars['String']['output']>;
  state: ConnectionState;
  updatedAt: Scalars['Time']['output'];
};

export type PlatformKey =
  | 'GA4'
  | 'GOOGLE_ADS'
  | 'LINKEDIN_ADS'
  | 'META_ADS'
  | 'TIKTOK_ADS';

/** An identity's standing with one provider: GWS_DIRECTORY, or the platform's key. */
export type ProviderStatus = {
  __typename?: 'ProviderStatus';
  lastError?: Maybe<Scalars['String']['output']>;
  provider: Scalars['String']['output'];
  status: Scalars['String']['output'];
  updatedAt: Scalars['Time']['output'];
};

export type ProvisioningState =
  | 'DELETED'
  | 'DEPROVISIONING'
  | 'FAILED'
  | 'PENDING'
  | 'PROVISIONED'
  | 'PROVISIONING';

export type Query = {
  __typename?: 'Query';
  accessRequest: AccessRequest;
  /** Access requests: staff see the agency's, a client user its client's. */
  accessRequests: AccessRequestConnection;
  /** The agency's own (not client-dedicated) identities (staff only). */
  agencyIdentities: IdentityConnection;
  agencySettings: AgencySettings;
  /** The audit trail, newest first (staff only). */
  auditEvents: AuditEventConnection;
  client: Client;
  /** Clients the caller may see (a client user: its own), oldest first; archived ones only when asked for. */
  clients: ClientConnection;
  /** Reads back one of your reveals while it has not expired. */
  credentialReveal: CredentialReveal;
  /** Recent directory sync reports, newest first (staff only). */
  directorySyncReports: Array<DirectorySyncReport>;
  /** A client's live identities, optionally of one platform. */
  identities: IdentityConnection;
  identity: Identity;
  /** All identity sources of the agency with state and configuration (staff only). */
  identitySources: Array<IdentitySource>;
  /** Recent background jobs of the agency, newest first (staff only). */
  jobs: Array<Job>;
  /** The logged-in user. */
  me: User;
  /** Your notifications, newest first. */
  notifications: NotificationConnection;
  /** The platform catalog with this agency's connection states. */
  platforms: Array<Platform>;
  /** Who has seen this identity's credentials since its last rotation. */
  revealLedger: Array<RevealLedgerEntry>;
  /** Which credentials this person has seen. */
  revealsByUser: Array<RevealedIdentity>;
  roleTemplates: Array<RoleTemplate>;
  /** What to rotate because this person saw it. */
  rotationOffer: Array<RotationOfferItem>;
  /** The agency's users (owners and admins only). */
  users: UserConnection;
};


export type QueryAccessRequestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAccessRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  clientId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<AccessRequestStatus>;
};


export type QueryAgencyIdentitiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  platform?: InputMaybe<PlatformKey>;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  identityId?: InputMaybe<Scalars['ID']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  since?: InputMaybe<Scalars['Time']['input']>;
  until?: InputMaybe<Scalars['Time']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryClientArgs = {
  id: Scalars['ID']['input'];
};


export type QueryClientsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeArchived?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryCredentialRevealArgs = {
  id: Scalars['ID']['input'];
};


export type QueryDirectorySyncReportsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryIdentitiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  clientId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  platform?: InputMaybe<PlatformKey>;
};


export type QueryIdentityArgs = {
  id: Scalars['ID']['input'];
};


export type QueryJobsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  type?: InputMaybe<JobType>;
};


export type QueryNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryRevealLedgerArgs = {
  identityId: Scalars['ID']['input'];
};


export type QueryRevealsByUserArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryRotationOfferArgs = {
  userId: Scalars['ID']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type RepairAction = {
  __typename?: 'RepairAction';
  action: Scalars['String']['output'];
  detail?: Maybe<Scalars['String']['output']>;
  email: Scalars['String']['output'];
  identityId?: Maybe<Scalars['ID']['output']>;
  jobId?: Maybe<Scalars['ID']['output']>;
  kind: MismatchKind;
};

export type RequestIdentity = {
  __typename?: 'RequestIdentity';
  id: Scalars['ID']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  provisioningState?: Maybe<ProvisioningState>;
};

export type RequestUser = {
  __typename?: 'RequestUser';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** One person who has seen an identity's credentials since its last rotation. */
export type RevealLedgerEntry = {
  __typename?: 'RevealLedgerEntry';
  count: Scalars['Int']['output'];
  deactivatedAt?: Maybe<Scalars['Time']['output']>;
  email: Scalars['String']['output'];
  firstRevealAt: Scalars['Time']['output'];
  lastRevealAt: Scalars['Time']['output'];
  name: Scalars['String']['output'];
  role: Role;
  userId: Scalars['ID']['output'];
};

export type RevealTick = {
  __typename?: 'RevealTick';
  expired: Scalars['Boolean']['output'];
  revealId: Scalars['ID']['output'];
  secondsRemaining: Scalars['Int']['output'];
};

/** One identity a person has revealed. */
export type RevealedIdentity = {
  __typename?: 'RevealedIdentity';
  count: Scalars['Int']['output'];
  displayName: Scalars['String']['output'];
  identityId: Scalars['ID']['output'];
  lastRevealAt: Scalars['Time']['output'];
  provisioningState: ProvisioningState;
  rotatedAt?: Maybe<Scalars['Time']['output']>;
  /** Whether the credentials were rotated after this person last saw them. */
  rotatedSince: Scalars['Boolean']['output'];
  type: IdentityType;
};

export type Role =
  | 'ADMIN'
  | 'AGENCY_OWNER'
  | 'CLIENT_USER'
  | 'MEMBER';

export type RoleTemplate = {
  __typename?: 'RoleTemplate';
  createdAt: Scalars['Time']['output'];
  defaultJustification: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  identityType: IdentityType;
  name: Scalars['String']['output'];
  platform: Platform;
};

export type RotateCredentialsInput = {
  /** The new password (EXTERNAL_LOGIN); absent for MANAGED_GWS, whose password is generated. */
  password?: InputMaybe<Scalars['String']['input']>;
  /** The new token (API_TOKEN). */
  token?: InputMaybe<Scalars['String']['input']>;
};

/** An identity to rotate because a person who saw it leaves: automatic (MANAGED_GWS, by a job) or manual (a new value from a person). */
export type RotationOfferItem = {
  __typename?: 'RotationOfferItem';
  automatic: Scalars['Boolean']['output'];
  displayName: Scalars['String']['output'];
  identityId: Scalars['ID']['output'];
  lastRevealAt: Scalars['Time']['output'];
  pendingJobId?: Maybe<Scalars['ID']['output']>;
  type: IdentityType;
};

export type RotationRun = {
  __typename?: 'RotationRun';
  jobIds: Array<Scalars['ID']['output']>;
  /** Identities that need a new value from a person. */
  manualIdentityIds: Array<Scalars['ID']['output']>;
};

export type SubmitAccessRequestInput = {
  identityType?: InputMaybe<IdentityType>;
  justification?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<PlatformKey>;
  roleTemplateId?: InputMaybe<Scalars['ID']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Every status change of access requests: staff of one client or all (no clientId), a client user its own. */
  accessRequestUpdated: AccessRequest;
  /** Every change of an identity's provisioning state or provider statuses. */
  identityUpdated: Identity;
  /** Every status or progress change of the agency's jobs, optionally of one type (staff only). */
  jobUpdated: Job;
  /** Your new notifications. */
  notificationAdded: Notification;
  /** Ticks once a second with the seconds left, then an expired tick, then ends. */
  revealCountdown: RevealTick;
};


export type SubscriptionAccessRequestUpdatedArgs = {
  clientId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionIdentityUpdatedArgs = {
  identityId: Scalars['ID']['input'];
};


export type SubscriptionJobUpdatedArgs = {
  type?: InputMaybe<JobType>;
};


export type SubscriptionRevealCountdownArgs = {
  revealId: Scalars['ID']['input'];
};

export type UpdateAgencySettingsInput = {
  accessRequestExpiryHours?: InputMaybe<Scalars['Int']['input']>;
  namingTemplate?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateCredentialsInput = {
  identityId: Scalars['ID']['input'];
  password?: InputMaybe<Scalars['String']['input']>;
  token?: InputMaybe<Scalars['String']['input']>;
  totpSecret?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateProfileInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateRoleTemplateInput = {
  defaultJustification?: InputMaybe<Scalars['String']['input']>;
  identityType?: InputMaybe<IdentityType>;
  name?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<PlatformKey>;
};

/** A person who logs in. A CLIENT_USER belongs to one client. */
export type User = {
  __typename?: 'User';
  agency: Agency;
  /** What this user's role allows. */
  can: Capabilities;
  client?: Maybe<Client>;
  createdAt: Scalars['Time']['output'];
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The address your open email-change link would make your login (only on your own user; null otherwise). */
  pendingEmail?: Maybe<Scalars['String']['output']>;
  role: Role;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  nodes: Array<User>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

export type NoSecretsCacheTestRevealQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type NoSecretsCacheTestRevealQuery = { __typename?: 'Query', credentialReveal: { __typename?: 'CredentialReveal', id: string, fields: Array<{ __typename?: 'CredentialField', name: string, value: string }> } };

export type NoSecretsCacheTestMeQueryVariables = Exact<{ [key: string]: never; }>;


export type NoSecretsCacheTestMeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string } };

export type ConflictingIdentityQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConflictingIdentityQuery = { __typename?: 'Query', identity: { __typename?: 'Identity', id: string, displayName: string } };

export type ConflictingAccessRequestQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConflictingAccessRequestQuery = { __typename?: 'Query', accessRequest: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, client: { __typename?: 'Client', id: string } } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, name: string, email: string, role: Role, client?: { __typename?: 'Client', id: string, name: string } | null, agency: { __typename?: 'Agency', id: string, name: string }, can: { __typename?: 'Capabilities', readAgency: boolean, readOps: boolean, manage: boolean, decideRequests: boolean, submitRequest: boolean, revealAgencyIdentity: boolean, revealClientIdentity: boolean, changeSettings: boolean, viewQueues: boolean } } };

export type LoginMutationVariables = Exact<{
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type LoginMutation = { __typename?: 'Mutation', login: { __typename?: 'User', id: string } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { __typename?: 'Mutation', logout: boolean };

export type ClientQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ClientQuery = { __typename?: 'Query', client: { __typename?: 'Client', id: string, name: string } };

export type ClientsQueryVariables = Exact<{ [key: string]: never; }>;


export type ClientsQuery = { __typename?: 'Query', clients: { __typename?: 'ClientConnection', nodes: Array<{ __typename?: 'Client', id: string, name: string, createdAt: string }> } };

export type CreateIdentityChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type CreateIdentityChoicesQuery = { __typename?: 'Query', clients: { __typename?: 'ClientConnection', nodes: Array<{ __typename?: 'Client', id: string, name: string }> }, platforms: Array<{ __typename?: 'Platform', key: PlatformKey, name: string, connection?: { __typename?: 'PlatformConnection', state: ConnectionState } | null }> };

export type CreateIdentityMutationVariables = Exact<{
  input: CreateIdentityInput;
}>;


export type CreateIdentityMutation = { __typename?: 'Mutation', createIdentity: { __typename?: 'Identity', id: string } };

export type RotateCredentialsMutationVariables = Exact<{
  identityId: Scalars['ID']['input'];
  input?: InputMaybe<RotateCredentialsInput>;
}>;


export type RotateCredentialsMutation = { __typename?: 'Mutation', rotateCredentials: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type UpdateCredentialsMutationVariables = Exact<{
  input: UpdateCredentialsInput;
}>;


export type UpdateCredentialsMutation = { __typename?: 'Mutation', updateCredentials: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type DeleteIdentityMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteIdentityMutation = { __typename?: 'Mutation', deleteIdentity: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type IdentitiesTabQueryVariables = Exact<{
  clientId: Scalars['ID']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type IdentitiesTabQuery = { __typename?: 'Query', identities: { __typename?: 'IdentityConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Identity', id: string, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, updatedAt: string, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null }> } };

export type IdentityRowUpdatedSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type IdentityRowUpdatedSubscription = { __typename?: 'Subscription', identityUpdated: { __typename?: 'Identity', id: string, provisioningState: ProvisioningState, lastError?: string | null, updatedAt: string } };

export type IdentitiesTabRequestsSubscriptionVariables = Exact<{
  clientId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type IdentitiesTabRequestsSubscription = { __typename?: 'Subscription', accessRequestUpdated: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus } };

export type IdentityPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type IdentityPageQuery = { __typename?: 'Query', identity: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type IdentityPageUpdatedSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type IdentityPageUpdatedSubscription = { __typename?: 'Subscription', identityUpdated: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type IdentityPagePlatformsQueryVariables = Exact<{ [key: string]: never; }>;


export type IdentityPagePlatformsQuery = { __typename?: 'Query', platforms: Array<{ __typename?: 'Platform', key: PlatformKey, connection?: { __typename?: 'PlatformConnection', state: ConnectionState } | null }> };

export type RetryProvisioningMutationVariables = Exact<{
  identityId: Scalars['ID']['input'];
}>;


export type RetryProvisioningMutation = { __typename?: 'Mutation', retryProvisioning: { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> } };

export type RevealCredentialsMutationVariables = Exact<{
  identityId: Scalars['ID']['input'];
}>;


export type RevealCredentialsMutation = { __typename?: 'Mutation', revealCredentials: { __typename?: 'CredentialReveal', id: string, secondsRemaining: number, totpCode?: string | null, fields: Array<{ __typename?: 'CredentialField', name: string, value: string }> } };

export type RevealCountdownSubscriptionVariables = Exact<{
  revealId: Scalars['ID']['input'];
}>;


export type RevealCountdownSubscription = { __typename?: 'Subscription', revealCountdown: { __typename?: 'RevealTick', revealId: string, secondsRemaining: number, expired: boolean } };

export type IdentityDetailFragment = { __typename?: 'Identity', id: string, scope: IdentityScope, type: IdentityType, displayName: string, email?: string | null, provisioningState: ProvisioningState, lastError?: string | null, origin: string, loginUrl?: string | null, notes?: string | null, tokenExpiresAt?: string | null, credentialsRotatedAt?: string | null, createdAt: string, updatedAt: string, stateChangedAt: string, retryProvisioningAfter?: string | null, client?: { __typename?: 'Client', id: string, name: string } | null, platform?: { __typename?: 'Platform', key: PlatformKey, name: string } | null, providerStatuses: Array<{ __typename?: 'ProviderStatus', provider: string, status: string, lastError?: string | null, updatedAt: string }> };

export type UnreadCountQueryVariables = Exact<{ [key: string]: never; }>;


export type UnreadCountQuery = { __typename?: 'Query', notifications: { __typename?: 'NotificationConnection', unreadCount: number } };

export type NotificationAddedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NotificationAddedSubscription = { __typename?: 'Subscription', notificationAdded: { __typename?: 'Notification', id: string, title: string } };

export type NotificationsQueryVariables = Exact<{ [key: string]: never; }>;


export type NotificationsQuery = { __typename?: 'Query', notifications: { __typename?: 'NotificationConnection', unreadCount: number, nodes: Array<{ __typename?: 'Notification', id: string, kind: string, title: string, body: string, data?: any | null, readAt?: string | null, createdAt: string }> } };

export type MarkNotificationsReadMutationVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type MarkNotificationsReadMutation = { __typename?: 'Mutation', markNotificationsRead: number };

export type ClientAccessRequestsQueryVariables = Exact<{
  clientId: Scalars['ID']['input'];
}>;


export type ClientAccessRequestsQuery = { __typename?: 'Query', accessRequests: { __typename?: 'AccessRequestConnection', nodes: Array<{ __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null }> } };

export type ClientAccessRequestUpdatedSubscriptionVariables = Exact<{
  clientId: Scalars['ID']['input'];
}>;


export type ClientAccessRequestUpdatedSubscription = { __typename?: 'Subscription', accessRequestUpdated: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null } };

export type ApproveAccessRequestMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
  credentials?: InputMaybe<ApprovalCredentialsInput>;
}>;


export type ApproveAccessRequestMutation = { __typename?: 'Mutation', approveAccessRequest: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null } };

export type RejectAccessRequestMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
}>;


export type RejectAccessRequestMutation = { __typename?: 'Mutation', rejectAccessRequest: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null } };

export type MyAccessRequestsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyAccessRequestsQuery = { __typename?: 'Query', accessRequests: { __typename?: 'AccessRequestConnection', nodes: Array<{ __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null }> } };

export type MyAccessRequestUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type MyAccessRequestUpdatedSubscription = { __typename?: 'Subscription', accessRequestUpdated: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null } };

export type RequestAccessOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type RequestAccessOptionsQuery = { __typename?: 'Query', platforms: Array<{ __typename?: 'Platform', key: PlatformKey, name: string, connection?: { __typename?: 'PlatformConnection', state: ConnectionState } | null }>, roleTemplates: Array<{ __typename?: 'RoleTemplate', id: string, name: string, identityType: IdentityType, defaultJustification: string, platform: { __typename?: 'Platform', key: PlatformKey, name: string } }> };

export type SubmitAccessRequestMutationVariables = Exact<{
  input: SubmitAccessRequestInput;
}>;


export type SubmitAccessRequestMutation = { __typename?: 'Mutation', submitAccessRequest: { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null } };

export type AccessRequestFieldsFragment = { __typename?: 'AccessRequest', id: string, status: AccessRequestStatus, identityType: IdentityType, roleTemplateId?: string | null, justification: string, reason?: string | null, createdAt: string, decidedAt?: string | null, expiresAt: string, client: { __typename?: 'Client', id: string, name: string }, platform: { __typename?: 'Platform', key: PlatformKey, name: string }, requester: { __typename?: 'RequestUser', id: string, name: string }, identity?: { __typename?: 'RequestIdentity', id: string, provisioningState?: ProvisioningState | null, lastError?: string | null } | null };

export const IdentityDetailFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<IdentityDetailFragment, unknown>;
export const AccessRequestFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<AccessRequestFieldsFragment, unknown>;
export const NoSecretsCacheTestRevealDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NoSecretsCacheTestReveal"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credentialReveal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<NoSecretsCacheTestRevealQuery, NoSecretsCacheTestRevealQueryVariables>;
export const NoSecretsCacheTestMeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NoSecretsCacheTestMe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<NoSecretsCacheTestMeQuery, NoSecretsCacheTestMeQueryVariables>;
export const ConflictingIdentityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConflictingIdentity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<ConflictingIdentityQuery, ConflictingIdentityQueryVariables>;
export const ConflictingAccessRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConflictingAccessRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<ConflictingAccessRequestQuery, ConflictingAccessRequestQueryVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"agency"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"can"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"readAgency"}},{"kind":"Field","name":{"kind":"Name","value":"readOps"}},{"kind":"Field","name":{"kind":"Name","value":"manage"}},{"kind":"Field","name":{"kind":"Name","value":"decideRequests"}},{"kind":"Field","name":{"kind":"Name","value":"submitRequest"}},{"kind":"Field","name":{"kind":"Name","value":"revealAgencyIdentity"}},{"kind":"Field","name":{"kind":"Name","value":"revealClientIdentity"}},{"kind":"Field","name":{"kind":"Name","value":"changeSettings"}},{"kind":"Field","name":{"kind":"Name","value":"viewQueues"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"}}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const ClientDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Client"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<ClientQuery, ClientQueryVariables>;
export const ClientsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Clients"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]} as unknown as DocumentNode<ClientsQuery, ClientsQueryVariables>;
export const CreateIdentityChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CreateIdentityChoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"platforms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<CreateIdentityChoicesQuery, CreateIdentityChoicesQueryVariables>;
export const CreateIdentityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateIdentity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateIdentityInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createIdentity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateIdentityMutation, CreateIdentityMutationVariables>;
export const RotateCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotateCredentials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RotateCredentialsInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"identityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<RotateCredentialsMutation, RotateCredentialsMutationVariables>;
export const UpdateCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCredentials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateCredentialsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<UpdateCredentialsMutation, UpdateCredentialsMutationVariables>;
export const DeleteIdentityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteIdentity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteIdentity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<DeleteIdentityMutation, DeleteIdentityMutationVariables>;
export const IdentitiesTabDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IdentitiesTab"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<IdentitiesTabQuery, IdentitiesTabQueryVariables>;
export const IdentityRowUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"IdentityRowUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identityUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"identityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<IdentityRowUpdatedSubscription, IdentityRowUpdatedSubscriptionVariables>;
export const IdentitiesTabRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"IdentitiesTabRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<IdentitiesTabRequestsSubscription, IdentitiesTabRequestsSubscriptionVariables>;
export const IdentityPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IdentityPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<IdentityPageQuery, IdentityPageQueryVariables>;
export const IdentityPageUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"IdentityPageUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identityUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"identityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<IdentityPageUpdatedSubscription, IdentityPageUpdatedSubscriptionVariables>;
export const IdentityPagePlatformsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IdentityPagePlatforms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platforms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}}]} as unknown as DocumentNode<IdentityPagePlatformsQuery, IdentityPagePlatformsQueryVariables>;
export const RetryProvisioningDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RetryProvisioning"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryProvisioning"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"identityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IdentityDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IdentityDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Identity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"origin"}},{"kind":"Field","name":{"kind":"Name","value":"loginUrl"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"credentialsRotatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stateChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"retryProvisioningAfter"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"providerStatuses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<RetryProvisioningMutation, RetryProvisioningMutationVariables>;
export const RevealCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevealCredentials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revealCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"identityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identityId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"secondsRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totpCode"}}]}}]}}]} as unknown as DocumentNode<RevealCredentialsMutation, RevealCredentialsMutationVariables>;
export const RevealCountdownDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RevealCountdown"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"revealId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revealCountdown"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"revealId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"revealId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revealId"}},{"kind":"Field","name":{"kind":"Name","value":"secondsRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"expired"}}]}}]}}]} as unknown as DocumentNode<RevealCountdownSubscription, RevealCountdownSubscriptionVariables>;
export const UnreadCountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnreadCount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unreadOnly"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadCount"}}]}}]}}]} as unknown as DocumentNode<UnreadCountQuery, UnreadCountQueryVariables>;
export const NotificationAddedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NotificationAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notificationAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<NotificationAddedSubscription, NotificationAddedSubscriptionVariables>;
export const NotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]} as unknown as DocumentNode<NotificationsQuery, NotificationsQueryVariables>;
export const MarkNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkNotificationsRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markNotificationsRead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}]}]}}]} as unknown as DocumentNode<MarkNotificationsReadMutation, MarkNotificationsReadMutationVariables>;
export const ClientAccessRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClientAccessRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<ClientAccessRequestsQuery, ClientAccessRequestsQueryVariables>;
export const ClientAccessRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ClientAccessRequestUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequestUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<ClientAccessRequestUpdatedSubscription, ClientAccessRequestUpdatedSubscriptionVariables>;
export const ApproveAccessRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApproveAccessRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"credentials"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ApprovalCredentialsInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveAccessRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"Argument","name":{"kind":"Name","value":"credentials"},"value":{"kind":"Variable","name":{"kind":"Name","value":"credentials"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<ApproveAccessRequestMutation, ApproveAccessRequestMutationVariables>;
export const RejectAccessRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RejectAccessRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectAccessRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<RejectAccessRequestMutation, RejectAccessRequestMutationVariables>;
export const MyAccessRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyAccessRequests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<MyAccessRequestsQuery, MyAccessRequestsQueryVariables>;
export const MyAccessRequestUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MyAccessRequestUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessRequestUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<MyAccessRequestUpdatedSubscription, MyAccessRequestUpdatedSubscriptionVariables>;
export const RequestAccessOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RequestAccessOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platforms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"defaultJustification"}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<RequestAccessOptionsQuery, RequestAccessOptionsQueryVariables>;
export const SubmitAccessRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitAccessRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitAccessRequestInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitAccessRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccessRequestFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccessRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccessRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"identityType"}},{"kind":"Field","name":{"kind":"Name","value":"roleTemplateId"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requester"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"identity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provisioningState"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<SubmitAccessRequestMutation, SubmitAccessRequestMutationVariables>;