/** Bitcart's list query: `offset`, `limit` (-1 = all), `query`, `multiple`, `sort`, `desc`, `autocomplete`. */
export interface ListParams {
  offset: number;
  limit: number;
  query: string;
  multiple: boolean;
  sort: string;
  desc: boolean;
  autocomplete: boolean;
}

export interface Page<T> {
  result: T[];
  count: number;
  previous: string | null;
  next: string | null;
}

/** Builds the envelope; `baseUrl` is the request URL, whose offset is replaced for the neighbours. */
export function pageEnvelope<T>(result: T[], count: number, params: ListParams, baseUrl: URL): Page<T> {
  const link = (offset: number) => {
    const url = new URL(baseUrl);
    url.searchParams.set("offset", String(offset));
    url.searchParams.set("limit", String(params.limit));
    return url.toString();
  };
  if (params.limit < 0) return { result, count, previous: null, next: null };
  const next = params.offset + params.limit < count ? link(params.offset + params.limit) : null;
  const previous = params.offset > 0 ? link(Math.max(0, params.offset - params.limit)) : null;
  return { result, count, previous, next };
}
