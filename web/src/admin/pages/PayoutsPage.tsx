import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf, type Row } from "../api.ts";
import { createdColumn, customColumn, statusBadge, textColumn } from "../columns.tsx";
import { ResourcePage, useOptions } from "../ResourcePage.tsx";
import { useApi } from "../session.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { TxLink } from "../ui/TxLink.tsx";

const STATUSES = ["pending", "approved", "broadcasting", "sent", "complete", "cancelled", "failed"];

/**
 * Sends approved payouts: the key of each wallet involved is asked here, sent once with the batch command and never
 * stored (a hot wallet needs none).
 */
function SendDialog({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const wallets = useOptions("/wallets");
  const [walletId, setWalletId] = useState("");
  const [key, setKey] = useState("");
  const [batch, setBatch] = useState(false);
  const [error, setError] = useState("");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError("");
    try {
      const options = { wallets: walletId && key ? { [walletId]: key } : {}, batch };
      await api.post("/payouts/batch", { ids, command: "send", options });
      await client.invalidateQueries({ queryKey: ["/payouts"] });
      onClose();
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setError(Object.keys(fields).length ? Object.values(fields).join("; ") : messageOf(e));
    }
  };
  return (
    <Dialog title={`Send ${ids.length} payout(s)`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="send-wallet">Wallet to sign with</label>
          <select id="send-wallet" value={walletId} onChange={(e) => setWalletId(e.target.value)}>
            <option value="">— (hot wallet: its own key)</option>
            {wallets.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="send-key">Seed or private key of that wallet</label>
          <textarea id="send-key" rows={3} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
          <small className="help">Used for this signature only; Till does not store it.</small>
        </div>
        <label className="check">
          <input type="checkbox" checked={batch} onChange={(e) => setBatch(e.target.checked)} /> One transaction per
          wallet
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Send
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function PayoutDetails({ row }: { row: Row }) {
  return (
    <dl className="details">
      <dt>Destination</dt>
      <dd>
        <code className="break">{String(row.destination)}</code>
      </dd>
      {row.tx_hash ? (
        <>
          <dt>Transaction</dt>
          <dd>
            <TxLink currency={String(row.currency).toLowerCase()} txid={String(row.tx_hash)} />
          </dd>
        </>
      ) : null}
      {row.sent_amount ? (
        <>
          <dt>Sent / fee</dt>
          <dd>
            {String(row.sent_amount)} / {String(row.tx_fee ?? "")} ({String(row.fee_rate ?? "")} sat/vB)
          </dd>
        </>
      ) : null}
      {row.failure_reason ? (
        <>
          <dt>Failure</dt>
          <dd className="field-error">{String(row.failure_reason)}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function PayoutsPage() {
  const wallets = useOptions("/wallets");
  const stores = useOptions("/stores");
  const [sending, setSending] = useState<string[] | null>(null);
  return (
    <>
      <ResourcePage
        title="Payouts"
        noun="payout"
        path="/payouts"
        statuses={STATUSES}
        batch={[
          { command: "approve", label: "Approve" },
          { command: "cancel", label: "Cancel" },
        ]}
        columns={[
          textColumn("amount", "Amount"),
          textColumn("currency", "Currency"),
          customColumn("destination", "Destination", (row) => <code className="break">{String(row.destination)}</code>),
          customColumn("status", "Status", (row) => statusBadge(row.status), true),
          createdColumn,
        ]}
        expand={(row) => <PayoutDetails row={row} />}
        toolbar={(selected) => (
          <button type="button" disabled={!selected.length} onClick={() => setSending(selected)}>
            Send selected…
          </button>
        )}
        form={{
          fields: [
            { name: "wallet_id", label: "Wallet", kind: "select", options: wallets, required: true },
            { name: "amount", label: "Amount (-1 = whole balance)", kind: "number", required: true },
            { name: "currency", label: "Currency of the amount (default: the wallet's coin)" },
            { name: "destination", label: "Destination address", required: true },
            { name: "store_id", label: "Store", kind: "select", options: stores },
            { name: "max_fee", label: "Maximum fee", kind: "number" },
            { name: "notification_url", label: "Notification URL" },
          ],
          editFields: [
            { name: "amount", label: "Amount", kind: "number" },
            { name: "destination", label: "Destination address" },
            { name: "max_fee", label: "Maximum fee", kind: "number" },
            { name: "notification_url", label: "Notification URL" },
          ],
          initial: (row) => ({
            amount: row.amount,
            destination: row.destination,
            max_fee: row.max_fee ?? "",
            notification_url: row.notification_url ?? "",
          }),
        }}
      />
      {sending && <SendDialog ids={sending} onClose={() => setSending(null)} />}
    </>
  );
}
