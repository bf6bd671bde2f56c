import { useState } from "react";
import type { Row } from "../api.ts";
import { createdColumn, customColumn, statusBadge, textColumn } from "../columns.tsx";
import { ResourcePage, useOptions } from "../ResourcePage.tsx";
import { useApi, useSession } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { SpecForm } from "../ui/Form.tsx";
import { TxLink } from "../ui/TxLink.tsx";

const STATUSES = ["pending", "paid", "confirmed", "complete", "expired", "invalid", "refunded"];

interface Method {
  id: string;
  currency: string;
  symbol: string;
  amount: string;
  rate_str: string;
  payment_address: string;
  payment_url: string;
}
interface LedgerEntry {
  method_id: string;
  currency: string;
  txid: string;
  vout: number;
  amount: string;
  confirmations: number;
  state: string;
  seen_at: string;
}

/** Creates a refund: the customer gets a link (`/refunds/{id}`) where they give the address to pay back to. */
function RefundButton({ row }: { row: Row }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState("");
  return (
    <>
      <button type="button" className="small" onClick={() => setOpen(true)}>
        Refund…
      </button>
      {link && (
        <p className="notice" role="status">
          Refund link for the customer: <a href={link}>{link}</a> <CopyButton value={link} />
        </p>
      )}
      {open && (
        <Dialog title="Refund" onClose={() => setOpen(false)}>
          <SpecForm
            fields={[
              { name: "amount", label: "Amount", kind: "number", required: true },
              { name: "currency", label: "Currency", required: true },
              { name: "send_email", label: "Email the link to the buyer", kind: "checkbox" },
            ]}
            initial={{ amount: row.price, currency: row.currency, send_email: false }}
            submitLabel="Create refund"
            onCancel={() => setOpen(false)}
            onSubmit={async (values) => {
              const refund = await api.post<{ id: string }>(`/invoices/${encodeURIComponent(row.id)}/refunds`, {
                ...values,
                admin_host: `${location.origin}/admin`,
              });
              setLink(`${location.origin}/refunds/${refund.id}`);
              setOpen(false);
            }}
          />
        </Dialog>
      )}
    </>
  );
}

function InvoiceDetails({ row }: { row: Row }) {
  const methods = (row.payments as Method[] | undefined) ?? [];
  const ledger = (row.ledger as LedgerEntry[] | undefined) ?? [];
  return (
    <div className="invoice-details">
      <p>
        Checkout: <a href={`/i/${row.id}`}>{`/i/${row.id}`}</a> <CopyButton value={`${location.origin}/i/${row.id}`} />
      </p>
      {row.status !== "pending" && row.status !== "expired" && <RefundButton row={row} />}
      <h3>Payment methods</h3>
      <ul>
        {methods.map((m) => (
          <li key={m.id}>
            {m.amount} {m.symbol.toUpperCase()} at {m.rate_str} — <code className="break">{m.payment_address}</code>{" "}
            <CopyButton value={m.payment_address} label="Copy address" />
          </li>
        ))}
      </ul>
      <h3>Payments</h3>
      {ledger.length ? (
        <table className="ledger" aria-label="Payments ledger">
          <thead>
            <tr>
              <th>Transaction</th>
              <th>Amount</th>
              <th>Confirmations</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {ledger.map((p) => (
              <tr key={`${p.txid}:${p.vout}`}>
                <td>
                  <TxLink currency={p.currency} txid={p.txid} />:{p.vout}
                </td>
                <td>
                  {p.amount} {p.currency.toUpperCase()}
                </td>
                <td>{p.confirmations}</td>
                <td>{p.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No payment seen yet.</p>
      )}
    </div>
  );
}

/** Downloads the export with the session's token (a plain link could not send it). */
async function download(token: string | null, format: "csv" | "json") {
  const response = await fetch(`/invoices/export?export_format=${format}&add_payments=true`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new Error(`Export failed (${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `invoices.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}

export function InvoicesPage() {
  const { token } = useSession();
  const stores = useOptions("/stores");
  return (
    <ResourcePage
      title="Invoices"
      noun="invoice"
      path="/invoices"
      readOnly
      statuses={STATUSES}
      batch={[
        { command: "mark_complete", label: "Mark complete" },
        { command: "mark_invalid", label: "Mark invalid" },
      ]}
      columns={[
        customColumn("id", "ID", (row) => <code>{row.id}</code>, true),
        customColumn("price", "Price", (row) => `${String(row.price)} ${String(row.currency)}`, true),
        customColumn("status", "Status", (row) => statusBadge(row.status), true),
        textColumn("order_id", "Order"),
        textColumn("buyer_email", "Buyer"),
        createdColumn,
      ]}
      expand={(row) => <InvoiceDetails row={row} />}
      toolbar={() => (
        <>
          <button type="button" onClick={() => download(token, "csv")}>
            Export CSV
          </button>
          <button type="button" onClick={() => download(token, "json")}>
            Export JSON
          </button>
        </>
      )}
      form={{
        fields: [
          { name: "store_id", label: "Store", kind: "select", options: stores, required: true },
          { name: "price", label: "Price", kind: "number", required: true },
          { name: "currency", label: "Currency (default: the store's)" },
          { name: "order_id", label: "Order ID" },
          { name: "buyer_email", label: "Buyer email", kind: "email" },
        ],
        defaults: { store_id: stores[0]?.value ?? "" },
      }}
    />
  );
}
