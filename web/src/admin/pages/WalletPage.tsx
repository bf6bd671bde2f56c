import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf, type Row } from "../api.ts";
import { formatDate } from "../columns.tsx";
import { Link } from "../router.tsx";
import { useApi } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";

interface Balance {
  confirmed: string;
  unconfirmed: string;
}
interface Address {
  index: number;
  address: string;
  used: boolean;
}

const PAGE = 20;

/** One wallet: balance, sync status, the gap-limit warning and the addresses handed out so far. */
export function WalletPage({ id }: { id: string }) {
  const api = useApi();
  const client = useQueryClient();
  const path = `/wallets/${encodeURIComponent(id)}`;
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState("");
  const wallet = useQuery({ queryKey: ["/wallets", id], queryFn: () => api.get<Row>(path) });
  const balance = useQuery({
    queryKey: ["/wallets", id, "balance"],
    queryFn: () => api.get<Balance>(`${path}/balance`),
  });
  const addresses = useQuery({
    queryKey: ["/wallets", id, "addresses", offset],
    queryFn: () =>
      api.get<{ count: number; result: Address[] }>(`${path}/addresses`, { query: { offset, limit: PAGE } }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["/wallets", id] });
  const sync = useMutation({
    mutationFn: () => api.post(`${path}/sync`),
    onSuccess: refresh,
    onError: (e) => setError(messageOf(e)),
  });
  const issue = useMutation({
    mutationFn: () => api.post(`${path}/address`),
    onSuccess: refresh,
    onError: (e) => setError(messageOf(e)),
  });
  if (wallet.error) return <p className="form-error">{messageOf(wallet.error)}</p>;
  const w = wallet.data;
  if (!w) return <p>Loading…</p>;
  const count = addresses.data?.count ?? 0;
  return (
    <div className="page">
      <p>
        <Link to="/wallets">← Wallets</Link>
      </p>
      <h1>
        {String(w.name)} <span className="muted">{String(w.currency).toUpperCase()}</span>
      </h1>
      {w.gap_limit_warning ? (
        <p className="warning" role="alert">
          More than 20 addresses were handed out past the last used one. Wallet software that stops looking after 20
          unused addresses (the usual gap limit) will not show payments to the later ones; raise its gap limit.
        </p>
      ) : null}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="cards">
        <div className="card">
          <span className="card-title">Confirmed balance</span>
          <strong className="card-value">{balance.data?.confirmed ?? "…"}</strong>
        </div>
        <div className="card">
          <span className="card-title">Unconfirmed</span>
          <strong className="card-value">{balance.data?.unconfirmed ?? "…"}</strong>
        </div>
        <div className="card">
          <span className="card-title">Sync status</span>
          <strong className="card-value">{String(w.sync_status)}</strong>
          <small>{w.synced_at ? `synced ${formatDate(w.synced_at)}` : "never synced"}</small>
          {w.sync_error ? <small className="field-error">{String(w.sync_error)}</small> : null}
        </div>
      </div>
      <div className="actions left">
        <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
          Sync now
        </button>
        <button type="button" onClick={() => issue.mutate()} disabled={issue.isPending}>
          Hand out a new address
        </button>
      </div>
      <section className="panel">
        <h2>Key</h2>
        <p>
          <code className="break">{String(w.xpub)}</code> <CopyButton value={String(w.xpub)} />
        </p>
        <p className="muted">
          {String(w.script_type ?? "")} {String(w.derivation ?? "")} · next index {String(w.next_index)} · last used{" "}
          {String(w.last_used_index)}
        </p>
      </section>
      <section className="panel">
        <h2>Addresses handed out ({count})</h2>
        <div className="table-scroll">
          <table aria-label="Addresses">
            <thead>
              <tr>
                <th>Index</th>
                <th>Address</th>
                <th>Used</th>
              </tr>
            </thead>
            <tbody>
              {addresses.data?.result.map((a) => (
                <tr key={a.index}>
                  <td>{a.index}</td>
                  <td>
                    <code className="break">{a.address}</code> <CopyButton value={a.address} />
                  </td>
                  <td>{a.used ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label="Address pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <button type="button" disabled={offset + PAGE >= count} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </nav>
      </section>
    </div>
  );
}
