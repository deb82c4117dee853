import type { ElementInfo, ParsedXml, SchemaModel } from '../xml/index.ts';
import type { DocNode } from './rule-types.ts';

interface MutableNode {
  name: string;
  path: string;
  parent: DocNode | undefined;
  text: string;
  attributes: Record<string, string>;
  children: DocNode[];
  info: ElementInfo | undefined;
}

/**
 * Turns the parser's plain data into a tree of nodes with paths, in one walk, so every check reads
 * the same nodes instead of walking the document again. Paths name a position `[n]` only where
 * siblings share a name, as the XSD issues do, so a finding and an XSD error on one element match.
 */
export function buildDocumentNodes(parsed: ParsedXml, model?: SchemaModel): { root: DocNode; nodes: DocNode[] } {
  const nodes: DocNode[] = [];
  const info = model && model.rootName === parsed.rootName ? model.root : undefined;
  const root = makeNode(parsed.rootName, `/${parsed.rootName}`, undefined, parsed.document, info, nodes);
  return { root, nodes };
}

function makeNode(
  name: string, path: string, parent: DocNode | undefined, value: unknown, info: ElementInfo | undefined, nodes: DocNode[],
): DocNode {
  const node: MutableNode = { name, path, parent, text: '', attributes: {}, children: [], info };
  nodes.push(node);
  if (typeof value === 'string') {
    node.text = value;
    return node;
  }
  if (typeof value !== 'object' || value === null) {
    node.text = value === undefined || value === null ? '' : String(value);
    return node;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const first = key.charCodeAt(0);
    if (first === 0x40 /* @ */) {
      node.attributes[key.slice(1)] = typeof child === 'string' ? child : String(child);
    } else if (first === 0x23 /* # */) {
      if (key === '#text') node.text = typeof child === 'string' ? child : String(child);
    } else {
      const childInfo = info?.child(key);
      if (Array.isArray(child)) {
        const indexed = child.length > 1;
        child.forEach((item, i) => {
          node.children.push(makeNode(key, indexed ? `${path}/${key}[${i + 1}]` : `${path}/${key}`, node, item, childInfo, nodes));
        });
      } else {
        node.children.push(makeNode(key, `${path}/${key}`, node, child, childInfo, nodes));
      }
    }
  }
  return node;
}

/** Children of a node with a local name. */
export function childrenNamed(node: DocNode, name: string): DocNode[] {
  return node.children.filter((child) => child.name === name);
}

/** The first child of a node with a local name. */
export function childNamed(node: DocNode, name: string): DocNode | undefined {
  return node.children.find((child) => child.name === name);
}
