package dev.kiln.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryStringsTest {

  @Test
  void firstValueIsDecodedAsFormsEncodeIt() {
    String query = "n=10&last=a%2Fb+c&n=20&flag&bad=100%zz";

    assertThat(QueryStrings.first(query, "n")).contains("10");
    assertThat(QueryStrings.first(query, "last")).contains("a/b c");
    assertThat(QueryStrings.first(query, "flag")).contains("");
    assertThat(QueryStrings.first(query, "bad")).contains("100%zz");
    assertThat(QueryStrings.first(query, "missing")).isEmpty();
    assertThat(QueryStrings.first(null, "n")).isEmpty();
    assertThat(QueryStrings.first("", "n")).isEmpty();
  }
}
