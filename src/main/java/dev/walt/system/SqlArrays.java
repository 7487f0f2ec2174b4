package dev.walt.system;

import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

/**
 * PostgreSQL arrays as statement parameters, for statements that take a batch of rows at once
 * ({@code unnest(CAST(:ids AS uuid[]), ...)}): the array is built by the driver from the Java values
 * ({@code null} elements included), never spelt out as text.
 */
public final class SqlArrays {

  private SqlArrays() {}

  /**
   * A parameter binding {@code values} as an array of the PostgreSQL element type {@code elementType}
   * ({@code uuid}, {@code text}, {@code int4}, {@code int8}).
   */
  public static AbstractSqlTypeValue of(String elementType, Object[] values) {
    return new AbstractSqlTypeValue() {
      @Override
      protected Object createTypeValue(Connection connection, int sqlType, String typeName) throws SQLException {
        return connection.createArrayOf(elementType, values);
      }
    };
  }
}
