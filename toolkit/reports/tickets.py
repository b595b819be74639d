"""The service-ticket reader, as the reports and their notebooks import it: it lives in
`toolkit.servicedesk`, below the job folders, so that the ticket worklist reads tickets the same way."""

from __future__ import annotations

from toolkit.servicedesk import (
    QUERY_TYPES,
    TICKET_FIELDS,
    TICKET_TYPES,
    read_tickets,
    type_code,
    type_label,
    typed_tickets,
)

__all__ = ["QUERY_TYPES", "TICKET_FIELDS", "TICKET_TYPES", "read_tickets", "type_code", "type_label", "typed_tickets"]
