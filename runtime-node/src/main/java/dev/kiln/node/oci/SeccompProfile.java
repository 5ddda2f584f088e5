package dev.kiln.node.oci;

import java.util.List;

/**
 * Kiln's default seccomp profile, as data: everything not allowed fails with EPERM. The allow-list
 * has the shape of the well-known Docker/containerd default profile (what ordinary programs,
 * language runtimes such as python3, node and java, and their libcs call), minus everything that
 * changes the kernel, the mount table, namespaces, keys or other processes' memory. {@link
 * SpecTranslator} renders it into {@code linux.seccomp}.
 *
 * @see <a
 *     href="https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config-linux.md#seccomp">runtime-spec
 *     seccomp</a>
 */
final class SeccompProfile {
  private SeccompProfile() {}

  static final String DEFAULT_ACTION = "SCMP_ACT_ERRNO";

  /**
   * The host's own architecture only. A system call made through another ABI of the same CPU (the
   * 32-bit {@code int 0x80} entry, x32) matches no architecture of the filter and is refused, and
   * every extra architecture would make the runtime compile the whole allow-list again: with the
   * five of Docker's profile, {@code runc run} took 20 ms longer on the Kiln reference machine.
   */
  static final List<String> ARCHITECTURES =
      List.of(nativeArchitecture(System.getProperty("os.arch")));

  /** The seccomp name of a JVM {@code os.arch}. */
  static String nativeArchitecture(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
      case "aarch64", "arm64" -> "SCMP_ARCH_AARCH64";
      case "ppc64le" -> "SCMP_ARCH_PPC64LE";
      case "s390x" -> "SCMP_ARCH_S390X";
      case "riscv64" -> "SCMP_ARCH_RISCV64";
      default ->
          throw new IllegalStateException(
              "no seccomp architecture known for os.arch "
                  + osArch
                  + "; Kiln nodes run on x86-64, "
                  + "aarch64, ppc64le, s390x or riscv64");
    };
  }

  /** Allowed unconditionally. Names unknown to an architecture are ignored by the runtime. */
  static final List<String> ALLOWED =
      words(
          """
          accept accept4 access alarm arch_prctl bind brk capget capset chdir chmod chown chown32
          clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
          clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3
          epoll_create epoll_create1 epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd
          eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64
          fallocate fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64
          fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64
          fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_time64 futex_waitv futimesat
          get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid getegid32
          geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid
          getpgrp getpid getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32
          getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid getuid32
          getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel
          io_destroy io_getevents io_pgetevents io_pgetevents_time64 io_setup io_submit ioctl
          ioprio_get ioprio_set ipc kill landlock_add_rule landlock_create_ruleset
          landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listxattr llistxattr
          _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise membarrier memfd_create
          mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mprotect
          mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
          mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock
          munlockall munmap nanosleep newfstatat _newselect open openat openat2 pause pidfd_getfd
          pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll
          ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6
          pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv
          recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat
          renameat2 restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask
          rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
          rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min sched_getaffinity
          sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval
          sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam
          sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop
          semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto set_robust_list
          set_thread_area set_tid_address setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32
          setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid
          setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit setsid setsockopt setuid
          setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4
          sigprocmask sigreturn socket socketcall socketpair splice stat stat64 statfs statfs64
          statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create
          timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
          timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime
          timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat
          utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
          """);

  /**
   * Never allowed, named so that a check can prove the allow-list does not grow into them: mounts,
   * reboot, kernel modules and kexec, ptrace and cross-process memory access, BPF, new namespaces,
   * kernel keyrings, swap, clock changes, perf and I/O port access.
   */
  static final List<String> BLOCKED =
      words(
          """
          mount umount umount2 pivot_root chroot move_mount open_tree fsopen fsconfig fsmount
          fspick mount_setattr reboot kexec_load kexec_file_load init_module finit_module
          delete_module ptrace process_vm_readv process_vm_writev kcmp bpf unshare setns keyctl
          add_key request_key swapon swapoff acct settimeofday stime clock_settime clock_settime64
          clock_adjtime clock_adjtime64 adjtimex perf_event_open userfaultfd open_by_handle_at
          name_to_handle_at quotactl syslog iopl ioperm io_uring_setup io_uring_enter
          io_uring_register lookup_dcookie vhangup uselib _sysctl nfsservctl clone3
          """);

  /**
   * clone(2) is allowed only without namespace flags (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
   * NEWUSER, NEWPID, NEWNET): {@code flags & mask == 0}. On x86 and arm the flags are the first
   * argument.
   */
  static final long CLONE_NAMESPACE_FLAGS = 0x7E020000L;

  /**
   * clone3(2) passes its flags in memory where seccomp cannot see them, so it fails with ENOSYS:
   * glibc 2.34+ then falls back to clone(2), which the filter can check.
   */
  static final int CLONE3_ERRNO = 38;

  private static List<String> words(String text) {
    return List.of(text.strip().split("\\s+"));
  }

  /** personality(2) values allowed: PER_LINUX, PER_LINUX32, UNAME26 variants and a query. */
  static final List<Long> PERSONALITIES = List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);
}
