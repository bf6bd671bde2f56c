import { useQuery } from "@tanstack/react-query";
import type { Page, Row } from "../api.ts";
import { formatDate, statusBadge } from "../columns.tsx";
import { Link } from "../router.tsx";
import { useApi, useMe } from "../session.tsx";
import { type Sale, SalesChart } from "./SalesChart.tsx";

const PAID = "status:paid status:confirmed status:complete";

function Card({ title, value, to }: { title: string; value: string | number | undefined; to: string }) {
  return (
    <Link className="card" to={to}>
      <span className="card-title">{title}</span>
      <strong className="card-value">{value ?? "…"}</strong>
    </Link>
  );
}

export function Dashboard() {
  const api = useApi();
  const me = useMe().data;
  const stats = useQuery({ queryKey: ["stats"], queryFn: () => api.get<Record<string, number>>("/users/stats") }).data;
  const balance = useQuery({
    queryKey: ["/wallets", "balance"],
    queryFn: () => api.get<string>("/wallets/balance").catch(() => "—"),
  }).data;
  const invoices = useQuery({
    queryKey: ["/invoices", "count"],
    queryFn: () => api.get<number>("/invoices/count"),
  }).data;
  const recent = useQuery({
    queryKey: ["/invoices", "recent-paid"],
    queryFn: () => api.get<Page<Row>>("/invoices", { query: { query: PAID, limit: 5, sort: "created", desc: true } }),
  }).data;
  const sales = useQuery({
    queryKey: ["/invoices", "sales"],
    queryFn: () => api.get<Page<Sale & Row>>("/invoices", { query: { query: `${PAID} start_date:-1m`, limit: 1000 } }),
  }).data;
  return (
    <div className="page">
      <h1>Dashboard</h1>
      <div className="cards">
        <Card title="Wallets" value={stats?.wallets} to="/wallets" />
        <Card title={`Total balance (${me?.settings?.balance_currency ?? "USD"})`} value={balance} to="/wallets" />
        <Card title="Stores" value={stats?.stores} to="/stores" />
        <Card title="Products" value={stats?.products} to="/products" />
        <Card title="Invoices" value={invoices} to="/invoices" />
        <Card title="Discounts" value={stats?.discounts} to="/discounts" />
        <Card title="Notification providers" value={stats?.notifications} to="/notifications" />
      </div>
      <section className="panel">
        <SalesChart sales={sales?.result ?? []} />
      </section>
      <section className="panel">
        <h2>Recent paid invoices</h2>
        {recent?.result.length ? (
          <ul className="plain">
            {recent.result.map((invoice) => (
              <li key={invoice.id}>
                <code>{invoice.id}</code> {String(invoice.price)} {String(invoice.currency)}{" "}
                {statusBadge(invoice.status)} <span className="muted">{formatDate(invoice.created)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No paid invoices yet.</p>
        )}
      </section>
    </div>
  );
}
