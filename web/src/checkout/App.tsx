export function App() {
  return <main className="page">checkout</main>;
}
