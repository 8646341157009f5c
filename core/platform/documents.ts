/**
 * Every GraphQL document the connector sends, in one place, so a test can validate each against the platform's
 * schema. They select only fields present in every supported version (6.x and 7.x): no `jwks`, no `s3`,
 * no `dead_letter_routing`.
 */

export const ABOUT = `query About {
  about { version }
}`;

/** The token's own user: the applicant when an old platform does not return connector_user_id. */
export const ME = `query Me {
  me { id name }
}`;

export const REGISTER_CONNECTOR = `mutation RegisterConnector($input: RegisterConnectorInput) {
  registerConnector(input: $input) {
    id
    connector_state
    connector_user_id
    config {
      connection { host vhost use_ssl port user pass }
      push
      push_routing
      push_exchange
      listen
      listen_routing
      listen_exchange
    }
  }
}`;

export const PING_CONNECTOR = `mutation PingConnector($id: ID!, $state: String, $connectorInfo: ConnectorInfoInput) {
  pingConnector(id: $id, state: $state, connectorInfo: $connectorInfo) {
    id
    connector_state
  }
}`;

/** OpenCTI 6.0 has no connectorInfo argument: the same ping without it. */
export const PING_CONNECTOR_LEGACY = `mutation PingConnectorLegacy($id: ID!, $state: String) {
  pingConnector(id: $id, state: $state) {
    id
    connector_state
  }
}`;

export const CONNECTOR_QUEUE_DETAILS = `query ConnectorQueueDetails($id: String!) {
  connector(id: $id) {
    id
    connector_queue_details { messages_number messages_size }
  }
}`;

export const WORK_ADD = `mutation WorkAdd($connectorId: String!, $friendlyName: String) {
  workAdd(connectorId: $connectorId, friendlyName: $friendlyName) { id }
}`;

export const WORK_ADD_EXPECTATIONS = `mutation WorkAddExpectations($id: ID!, $expectations: Int) {
  workEdit(id: $id) { addExpectations(expectations: $expectations) }
}`;

export const WORK_TO_RECEIVED = `mutation WorkToReceived($id: ID!, $message: String) {
  workEdit(id: $id) { toReceived(message: $message) }
}`;

export const WORK_TO_PROCESSED = `mutation WorkToProcessed($id: ID!, $message: String, $inError: Boolean) {
  workEdit(id: $id) { toProcessed(message: $message, inError: $inError) }
}`;

export const WORK_PING = `mutation WorkPing($id: ID!) {
  workEdit(id: $id) { ping }
}`;

export const WORK_REPORT_EXPECTATION = `mutation WorkReportExpectation($id: ID!, $error: WorkErrorInput) {
  workEdit(id: $id) { reportExpectation(error: $error) }
}`;

/** Only on an explicit unregister; a normal stop never deletes the connector. */
export const DELETE_CONNECTOR = `mutation DeleteConnector($id: ID!) {
  deleteConnector(id: $id)
}`;

export const ALL_DOCUMENTS: Record<string, string> = {
  ABOUT,
  ME,
  REGISTER_CONNECTOR,
  PING_CONNECTOR,
  PING_CONNECTOR_LEGACY,
  CONNECTOR_QUEUE_DETAILS,
  WORK_ADD,
  WORK_ADD_EXPECTATIONS,
  WORK_TO_RECEIVED,
  WORK_TO_PROCESSED,
  WORK_PING,
  WORK_REPORT_EXPECTATION,
  DELETE_CONNECTOR,
};
