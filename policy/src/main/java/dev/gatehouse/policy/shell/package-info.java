/**
 * Shell guard: reads shell texts with bash's own grammar and judges every command in them.
 *
 * <pre>
 *  text ──▶ BashGrammar (tree-sitter-bash) ──▶ CommandReader: every node walked
 *              │  ERROR / MISSING node, non-literal command name ─▶ unclassified
 *              │  command ─▶ ShellWords (quote removal) ─▶ ShellCommand
 *              │                └▶ Wrappers: sudo/env/timeout/…, sh -c, eval, xargs, find -exec ─┐
 *              │  `…`, here-documents fed to a shell, sh -c / eval code ─▶ read again ◀──────────┘
 *              ▼
 *          ShellReading (commands, writes, assignments, functions, unclassified reasons)
 *              ▼
 *          ShellJudge: ShellClass block/review lists, ShellRule, allow-list, unclassified
 *              ▼
 *          ShellJudgement (strictest verdict)
 * </pre>
 *
 * <p>{@link dev.gatehouse.policy.shell.ShellWords#split} is the word reader for consoles that take
 * one command line.
 */
package dev.gatehouse.policy.shell;
