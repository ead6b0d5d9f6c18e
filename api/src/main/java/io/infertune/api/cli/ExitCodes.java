package io.infertune.api.cli;

/**
 * The exit codes of the client commands, which scripts may rely on. The strings are the lines of
 * {@code --help}'s "Exit codes" section, so that the help and the code cannot disagree.
 */
public final class ExitCodes {
  /** The request was done. */
  public static final int OK = 0;

  /** The service refused the request (a 4xx status); its message and field are on stderr. */
  public static final int REFUSED = 1;

  /** The command line was wrong, or a spec file could not be read or parsed (picocli's code). */
  public static final int USAGE = 2;

  /** The service could not be reached, timed out, or failed (a 5xx status). */
  public static final int UNAVAILABLE = 3;

  /** A followed campaign ended, but not completed: it was stopped or failed. */
  public static final int CAMPAIGN_NOT_COMPLETED = 4;

  /** A local file (an export's output) could not be written. */
  public static final int IO_ERROR = 5;

  static final String HEADING = "%nExit codes:%n";
  static final String OK_LINE = "0:ok";
  static final String REFUSED_LINE =
      "1:the service refused the request (4xx); its message and field on stderr";
  static final String USAGE_LINE = "2:usage error, or a spec file that cannot be read or parsed";
  static final String UNAVAILABLE_LINE =
      "3:cannot connect to the service, it timed out, or it failed (5xx)";
  static final String NOT_COMPLETED_LINE =
      "4:--follow: the campaign ended stopped or failed, not completed";
  static final String IO_LINE = "5:a local file could not be written";

  private ExitCodes() {}
}
