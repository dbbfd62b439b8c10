// PLACEHOLDER — replaced by the identity screens (console-ident). Lists a client's identities.
export interface IdentitiesTabProps {
  clientId: string;
}

export function IdentitiesTab({ clientId }: IdentitiesTabProps) {
  return <p data-client-id={clientId}>Identities are listed here.</p>;
}

export default IdentitiesTab;
