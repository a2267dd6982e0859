"""The sales pages: orders with their posting result, agreements with approval, the
product catalogue, printable proposals and invoices, the own company's requisites."""
