// Which path of an OpenAPI document a request path falls under.

/* The document's path template for a request path: the most literal one
 * (fewest {variables}), or null. */
export function templateOf(doc, path) {
  const segs = path.split('?')[0].split('/');
  const fits = Object.keys(doc.paths).filter((t) => {
    const ts = t.split('/');
    return ts.length === segs.length && ts.every((s, i) => s.startsWith('{') || s === segs[i]);
  });
  const vars = (t) => t.split('/').filter((s) => s.startsWith('{')).length;
  fits.sort((x, y) => vars(x) - vars(y));
  return fits[0] || null;
}
