// The cache exchange keeps ordinary results and never a sensitive one (a reveal): asking twice
// for a reveal goes to the network twice, even with 'cache-first'.
import { describe, expect, it } from 'vitest';
import { Client, gql, makeResult, type Exchange } from 'urql';
import { filter, fromValue, mergeMap, pipe } from 'wonka';
import { noSecretsCacheExchange } from './client';

function counting(): { exchange: Exchange; sent: string[] } {
  const sent: string[] = [];
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      mergeMap((op) => {
        sent.push(op.kind);
        const data = op.query.definitions.some((d) => d.kind === 'OperationDefinition' && d.name?.value === 'NoSecretsCacheTestReveal')
          ? { credentialReveal: { __typename: 'CredentialReveal', id: 'r1', fields: [{ __typename: 'CredentialField', name: 'password', value: 'pw' }] } }
          : { me: { __typename: 'User', id: 'u1' } };
        return fromValue(makeResult(op, { data }));
      }),
    );
  return { exchange, sent };
}

const Reveal = gql`
  query NoSecretsCacheTestReveal($id: ID!) {
    credentialReveal(id: $id) { id fields { name value } }
  }
`;
const Me = gql`
  query NoSecretsCacheTestMe {
    me { id }
  }
`;

describe('noSecretsCacheExchange', () => {
  it('caches ordinary queries but sends every sensitive one to the network', async () => {
    const net = counting();
    const client = new Client({ url: 'http://test/graphql', exchanges: [noSecretsCacheExchange, net.exchange] });
    await client.query(Me, {}, { requestPolicy: 'cache-first' }).toPromise();
    await client.query(Me, {}, { requestPolicy: 'cache-first' }).toPromise();
    expect(net.sent).toHaveLength(1);

    const a = await client.query(Reveal, { id: 'r1' }, { requestPolicy: 'cache-first' }).toPromise();
    const b = await client.query(Reveal, { id: 'r1' }, { requestPolicy: 'cache-first' }).toPromise();
    expect(a.data?.credentialReveal.fields[0].value).toBe('pw');
    expect(b.data?.credentialReveal.fields[0].value).toBe('pw');
    expect(net.sent).toHaveLength(3);
  });
});
