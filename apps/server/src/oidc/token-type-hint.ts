/**
 * The handlers of each token type in the order to try them: the `token_type_hint`'s first,
 * then the others in the map's order. A wrong or unknown hint only costs a lookup: RFC 7009
 * §2.1 and RFC 7662 §2.1 have the server extend its search across all supported types.
 * @example for (const revoker of hintedFirst(REVOKERS, formParam(req, 'token_type_hint'))) ...
 */
export function hintedFirst<T>(byType: ReadonlyMap<string, T>, hint: string | undefined): T[] {
  const hinted = hint === undefined ? undefined : byType.get(hint);
  const all = [...byType.values()];
  return hinted === undefined ? all : [hinted, ...all.filter((handler) => handler !== hinted)];
}
