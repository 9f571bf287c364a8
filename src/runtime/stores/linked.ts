import type { Store } from '../core/types.js';

/**
 * `getLinked` as two reads, for stores whose backend cannot follow the link itself (memory: both
 * reads are synchronous anyway; Prisma on a client whose provider pow does not know, or a link name
 * sql-linked.ts cannot carry). One definition of what the second read is.
 */
export async function getLinkedByTwoReads<A, B>(
  get: Store['get'],
  namespace: string,
  key: string,
  link: string,
  linkedNamespace: string,
): Promise<[A | null, B | null]> {
  const first = await get<A>(namespace, key);
  const linked =
    first !== null && typeof first === 'object' ? (first as Record<string, unknown>)[link] : undefined;
  return [first, typeof linked === 'string' ? await get<B>(linkedNamespace, linked) : null];
}
