/** GraphQL multipart requests (the spec Apollo's upload link and graphql-upload follow), as a frontend sends a file. */
import type { TestGateway } from './gateway.js';

/**
 * POSTs `query` with `variables`, each file put at its variable path (`variables.input.file`),
 * with the header that marks the request as not a cross-site form (CSRF prevention).
 */
export async function postMultipart(
  gateway: TestGateway,
  query: string,
  variables: Record<string, unknown>,
  files: Record<string, Buffer>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables }));
  const paths = Object.keys(files);
  form.set('map', JSON.stringify(Object.fromEntries(paths.map((path, index) => [String(index), [path]]))));
  paths.forEach((path, index) => form.set(String(index), new Blob([new Uint8Array(files[path]!)]), `file-${index}.bin`));
  const response = await gateway.app.yoga.fetch('http://127.0.0.1/graphql', {
    method: 'POST',
    body: form,
    headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': 'upload', ...headers },
  });
  return { status: response.status, body: await response.json() };
}
