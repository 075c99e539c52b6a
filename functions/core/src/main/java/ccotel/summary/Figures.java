package ccotel.summary;

import ccotel.query.DailyUsage;

/**
 * The figures of CONTRACT §5 ({@code FIGURES}), summed over §4 records. Integers only (cost in
 * nano-USD), added with overflow checks, so a sum is exact or refused, never wrapped.
 */
public final class Figures {

  private long sessions;
  private long linesAdded;
  private long linesRemoved;
  private long commits;
  private long pullRequests;
  private long prompts;
  private long apiRequests;
  private long apiErrors;
  private long inputTokens;
  private long outputTokens;
  private long cacheReadTokens;
  private long cacheCreationTokens;
  private long costNanoUsd;
  private long editAccepted;
  private long editRejected;

  /**
   * Adds one record's figures.
   *
   * @throws ArithmeticException if a sum would pass 2^63 - 1
   */
  void add(DailyUsage usage) {
    sessions = Math.addExact(sessions, usage.sessions());
    linesAdded = Math.addExact(linesAdded, usage.linesAdded());
    linesRemoved = Math.addExact(linesRemoved, usage.linesRemoved());
    commits = Math.addExact(commits, usage.commits());
    pullRequests = Math.addExact(pullRequests, usage.pullRequests());
    prompts = Math.addExact(prompts, usage.prompts());
    apiErrors = Math.addExact(apiErrors, usage.apiErrors());
    for (DailyUsage.ModelUsage model : usage.models()) {
      apiRequests = Math.addExact(apiRequests, model.apiRequests());
      inputTokens = Math.addExact(inputTokens, model.inputTokens());
      outputTokens = Math.addExact(outputTokens, model.outputTokens());
      cacheReadTokens = Math.addExact(cacheReadTokens, model.cacheReadTokens());
      cacheCreationTokens = Math.addExact(cacheCreationTokens, model.cacheCreationTokens());
      costNanoUsd = Math.addExact(costNanoUsd, model.costNanoUsd());
    }
    for (String tool : DailyUsage.EDIT_TOOLS) {
      DailyUsage.Decisions decisions = usage.editTool(tool);
      editAccepted = Math.addExact(editAccepted, decisions.accepted());
      editRejected = Math.addExact(editRejected, decisions.rejected());
    }
  }

  public long sessions() {
    return sessions;
  }

  public long linesAdded() {
    return linesAdded;
  }

  public long linesRemoved() {
    return linesRemoved;
  }

  public long commits() {
    return commits;
  }

  public long pullRequests() {
    return pullRequests;
  }

  public long prompts() {
    return prompts;
  }

  public long apiRequests() {
    return apiRequests;
  }

  public long apiErrors() {
    return apiErrors;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  public long cacheReadTokens() {
    return cacheReadTokens;
  }

  public long cacheCreationTokens() {
    return cacheCreationTokens;
  }

  public long costNanoUsd() {
    return costNanoUsd;
  }

  public long editAccepted() {
    return editAccepted;
  }

  public long editRejected() {
    return editRejected;
  }
}
