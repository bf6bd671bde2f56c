import { useQuery } from "@tanstack/react-query";
import { useApi } from "../session.tsx";

/** A transaction id linked to the coin's explorer, when the server knows one (`GET /cryptos/explorer/{coin}`). */
export function TxLink({ currency, txid }: { currency: string; txid: string }) {
  const api = useApi();
  const template = useQuery({
    queryKey: ["explorer", currency],
    queryFn: () => api.get<string>(`/cryptos/explorer/${encodeURIComponent(currency)}`).catch(() => ""),
    staleTime: Number.POSITIVE_INFINITY,
  }).data;
  return template ? (
    <a href={template.replace("{}", txid)} target="_blank" rel="noreferrer">
      <code className="break">{txid}</code>
    </a>
  ) : (
    <code className="break">{txid}</code>
  );
}
