import type { Transport } from "@till/sdk";
import type { Row } from "../api.ts";
import { createdColumn, customColumn, textColumn } from "../columns.tsx";
import { ResourcePage, useOptions } from "../ResourcePage.tsx";
import type { FormValues } from "../ui/Form.tsx";

/** Products are sent as Bitcart's multipart form: a `data` JSON part and an optional `image` file part. */
function sendProduct(api: Transport, values: FormValues, row?: Row) {
  const { image, ...fields } = values;
  const data = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ""));
  const form = new FormData();
  form.append("data", JSON.stringify(data));
  if (image instanceof File) form.append("image", image);
  return row
    ? api.request("PATCH", `/products/${encodeURIComponent(row.id)}`, { form })
    : api.request("POST", "/products", { form });
}

export function ProductsPage() {
  const stores = useOptions("/stores");
  const discounts = useOptions("/discounts");
  const fields = [
    { name: "name", label: "Name", required: true },
    { name: "price", label: "Price", kind: "number" as const, required: true },
    { name: "quantity", label: "Quantity (-1 = unlimited)", kind: "number" as const },
    { name: "store_id", label: "Store", kind: "select" as const, options: stores },
    { name: "category", label: "Category" },
    { name: "description", label: "Description", kind: "textarea" as const },
    { name: "download_url", label: "Download URL" },
    { name: "discounts", label: "Discounts", kind: "multi" as const, options: discounts },
    { name: "image", label: "Image", kind: "file" as const },
  ];
  return (
    <ResourcePage
      title="Products"
      noun="product"
      path="/products"
      columns={[
        customColumn("image", "Image", (row) =>
          row.image ? <img className="thumb" src={`/${String(row.image)}`} alt="" /> : null,
        ),
        textColumn("name", "Name"),
        textColumn("price", "Price"),
        textColumn("quantity", "Quantity"),
        textColumn("category", "Category"),
        textColumn("status", "Status"),
        createdColumn,
      ]}
      form={{
        fields,
        defaults: { quantity: "-1" },
        initial: (row) => ({
          name: row.name,
          price: row.price,
          quantity: row.quantity,
          store_id: row.store_id ?? "",
          category: row.category,
          description: row.description,
          download_url: row.download_url,
          discounts: row.discounts ?? [],
        }),
        send: sendProduct,
      }}
    />
  );
}
