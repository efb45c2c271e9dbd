package dev.gatehouse.policy.shell;

import java.nio.charset.StandardCharsets;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSTree;
import org.treesitter.TreeSitterBash;

/**
 * bash's grammar (tree-sitter-bash) behind a small door: one parser per thread (a tree-sitter
 * parser is not thread-safe; a language is), a time limit per text, and text slices by the
 * parser's UTF-8 byte offsets.
 */
final class BashGrammar {
  /** A text that takes longer to parse is unclassified. */
  private static final long PARSE_LIMIT_MICROS = 200_000;

  private static final TreeSitterBash BASH = new TreeSitterBash();
  private static final ThreadLocal<TSParser> PARSER = ThreadLocal.withInitial(() -> {
    TSParser p = new TSParser();
    if (!p.setLanguage(BASH)) {
      throw new IllegalStateException("tree-sitter-bash does not match the tree-sitter runtime's language version");
    }
    p.setTimeoutMicros(PARSE_LIMIT_MICROS);
    return p;
  });

  /** A parsed text: its tree and its bytes (node offsets are byte offsets into them). */
  static final class Parsed {
    final TSTree tree; // kept: the nodes point into it
    final TSNode root;
    final byte[] utf8;

    private Parsed(TSTree tree, byte[] utf8) {
      this.tree = tree;
      this.root = tree.getRootNode();
      this.utf8 = utf8;
    }

    String text(TSNode n) {
      return slice(n.getStartByte(), n.getEndByte());
    }

    String slice(int from, int to) {
      return new String(utf8, from, to - from, StandardCharsets.UTF_8);
    }
  }

  /**
   * The children of {@code n}, in order. The binding's {@code getChild(i)} walks from the first
   * child each time, so a loop over a node's children by index is quadratic in their number (a
   * text of thousands of backquotes held a thread for minutes); a cursor walks them once.
   */
  static java.util.List<TSNode> children(TSNode n) {
    int count = n.getChildCount();
    java.util.List<TSNode> kids = new java.util.ArrayList<>(count);
    if (count <= 8) {
      for (int i = 0; i < count; i++) {
        kids.add(n.getChild(i));
      }
      return kids;
    }
    org.treesitter.TSTreeCursor cursor = new org.treesitter.TSTreeCursor(n);
    if (cursor.gotoFirstChild()) {
      do {
        kids.add(cursor.currentNode());
      } while (cursor.gotoNextSibling());
    }
    return kids;
  }

  /** The named children of {@code n}, in order (see {@link #children}). */
  static java.util.List<TSNode> namedChildren(TSNode n) {
    java.util.List<TSNode> named = new java.util.ArrayList<>();
    for (TSNode k : children(n)) {
      if (k.isNamed()) {
        named.add(k);
      }
    }
    return named;
  }

  /** TSTree's native pointer; the binding does not make it public, and a NULL one must not be used. */
  private static final java.lang.reflect.Method TREE_POINTER;

  static {
    try {
      TREE_POINTER = TSTree.class.getDeclaredMethod("getPtr");
      TREE_POINTER.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the tree-sitter binding has no TSTree.getPtr()", e);
    }
  }

  private BashGrammar() {}

  private static long treePointer(TSTree tree) {
    try {
      return (long) TREE_POINTER.invoke(tree);
    } catch (ReflectiveOperationException e) {
      return 0; // unknown: read as the parser giving up (unclassified), never as a tree
    }
  }

  /** The tree of {@code text}, or null when the parser gave up (time limit). */
  static Parsed parse(String text) {
    TSParser p = PARSER.get();
    TSTree tree = p.parseString(null, text);
    if (tree == null || treePointer(tree) == 0) {
      // The binding wraps the parser's NULL (time limit reached) in a TSTree; reading its root
      // would crash the JVM.
      p.reset();
      return null;
    }
    return new Parsed(tree, text.getBytes(StandardCharsets.UTF_8));
  }
}
