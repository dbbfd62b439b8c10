// A mutation hook for inputs that carry secrets (new passwords, tokens, TOTP secrets). urql's
// useMutation keeps the last operation, variables included, in its state; this one keeps only
// whether it runs and the error, so a typed secret is gone once the form forgets it.
import { useCallback, useState } from 'react';
import { useClient, type AnyVariables, type CombinedError, type TypedDocumentNode } from 'urql';

export function useSecretMutation<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
): [{ fetching: boolean; error: CombinedError | null }, (variables: Variables) => Promise<{ data: Data | null; error: CombinedError | null }>, () => void] {
  const client = useClient();
  const [state, setState] = useState<{ fetching: boolean; error: CombinedError | null }>({ fetching: false, error: null });
  const run = useCallback(
    async (variables: Variables) => {
      setState({ fetching: true, error: null });
      const res = await client.mutation(document, variables).toPromise();
      setState({ fetching: false, error: res.error ?? null });
      return { data: res.error ? null : (res.data ?? null), error: res.error ?? null };
    },
    [client, document],
  );
  const reset = useCallback(() => setState({ fetching: false, error: null }), []);
  return [state, run, reset];
}
