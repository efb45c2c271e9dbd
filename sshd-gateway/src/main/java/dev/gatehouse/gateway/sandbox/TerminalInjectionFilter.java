package dev.gatehouse.gateway.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A seccomp filter (a classic BPF program, as bubblewrap's {@code --seccomp FD} reads it) that
 * makes {@code ioctl(fd, TIOCSTI, …)} and {@code ioctl(fd, TIOCLINUX, …)} fail with EPERM and
 * allows every other call.
 *
 * <p>Why: where the kernel still allows TIOCSTI ({@code dev.tty.legacy_tiocsti = 1}), a program
 * holding the session's terminal pushes bytes into its input queue as if typed. A background job
 * could so type a command after the guarded prompt's wall, which bash would read without the
 * gateway having judged it. TIOCLINUX (selection paste on a virtual console) is the other ioctl
 * that writes a terminal's input.
 *
 * <p>The program checks the architecture first (x86-64 with its x32 and i386 entry points, AArch64
 * with its 32-bit ARM one), loads the system call number for it, and compares the low 32 bits of
 * the request (the kernel's tty layer reads the request as an {@code unsigned int}, so higher
 * bits do not change which request it is). Architectures not listed pass: the gateway runs on the
 * two listed.
 */
public final class TerminalInjectionFilter {
  static final int TIOCSTI = 0x5412;
  static final int TIOCLINUX = 0x541C;
  static final int EPERM = 1;

  private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  private static final int AUDIT_ARCH_I386 = 0x40000003;
  private static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
  private static final int AUDIT_ARCH_ARM = 0x40000028;
  private static final int NR_IOCTL_X86_64 = 16;
  private static final int X32_SYSCALL_BIT = 0x40000000;
  private static final int NR_IOCTL_X32 = 514; // x32's own ioctl entry (compat argument layout)
  private static final int NR_IOCTL_AARCH64 = 29;
  private static final int NR_IOCTL_I386_ARM = 54;

  // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian).
  private static final int OFF_NR = 0;
  private static final int OFF_ARCH = 4;
  private static final int OFF_ARG1_LOW = 16 + 8;

  private static final int LD_W_ABS = 0x20;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;
  private static final int RET_ALLOW = 0x7fff0000;
  private static final int RET_ERRNO = 0x00050000;

  private TerminalInjectionFilter() {}

  /** The compiled program: 8 bytes per instruction, in the machine's byte order (little-endian). */
  public static byte[] program() {
    Assembler a = new Assembler();
    a.load(OFF_ARCH);
    a.jumpIfEqual(AUDIT_ARCH_X86_64, "x86-64", null);
    a.jumpIfEqual(AUDIT_ARCH_AARCH64, "aarch64", null);
    a.jumpIfEqual(AUDIT_ARCH_I386, "32-bit", null);
    a.jumpIfEqual(AUDIT_ARCH_ARM, "32-bit", "allow");
    a.label("x86-64");
    a.load(OFF_NR);
    a.jumpIfEqual(NR_IOCTL_X86_64, "request", null);
    a.jumpIfEqual(X32_SYSCALL_BIT | NR_IOCTL_X86_64, "request", null);
    a.jumpIfEqual(X32_SYSCALL_BIT | NR_IOCTL_X32, "request", "allow");
    a.label("aarch64");
    a.load(OFF_NR);
    a.jumpIfEqual(NR_IOCTL_AARCH64, "request", "allow");
    a.label("32-bit");
    a.load(OFF_NR);
    a.jumpIfEqual(NR_IOCTL_I386_ARM, "request", "allow");
    a.label("request");
    a.load(OFF_ARG1_LOW);
    a.jumpIfEqual(TIOCSTI, "deny", null);
    a.jumpIfEqual(TIOCLINUX, "deny", "allow");
    a.label("allow");
    a.ret(RET_ALLOW);
    a.label("deny");
    a.ret(RET_ERRNO | EPERM);
    return a.assemble();
  }

  /** Just enough of an assembler for forward jumps by label (classic BPF jumps only forward). */
  private static final class Assembler {
    private record Insn(int code, String jt, String jf, int k) {}

    private final List<Insn> insns = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    void load(int offset) {
      insns.add(new Insn(LD_W_ABS, null, null, offset));
    }

    /** Jumps to {@code ifEqual} when the accumulator is {@code k}, else to {@code otherwise} (null: the next). */
    void jumpIfEqual(int k, String ifEqual, String otherwise) {
      insns.add(new Insn(JEQ_K, ifEqual, otherwise, k));
    }

    void ret(int k) {
      insns.add(new Insn(RET_K, null, null, k));
    }

    void label(String name) {
      labels.put(name, insns.size());
    }

    byte[] assemble() {
      ByteBuffer b = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < insns.size(); i++) {
        Insn in = insns.get(i);
        b.putShort((short) in.code());
        b.put((byte) offset(i, in.jt()));
        b.put((byte) offset(i, in.jf()));
        b.putInt(in.k());
      }
      return b.array();
    }

    private int offset(int from, String label) {
      if (label == null) {
        return 0;
      }
      int off = labels.get(label) - from - 1;
      if (off < 0 || off > 255) {
        throw new IllegalStateException("jump out of range: " + label);
      }
      return off;
    }
  }
}
