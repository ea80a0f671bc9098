"""The SimPy side of the model: suppliers, carriers, the warehouse and the customers."""
